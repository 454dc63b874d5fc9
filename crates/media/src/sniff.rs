//! What a file is, from its first bytes; the name and the declared type a
//! client sends are not trusted.

/// Image formats we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG (and APNG, treated as its first frame).
    Png,
    /// GIF, static or animated.
    Gif,
    /// WebP.
    Webp,
    /// AVIF: decoded through ffmpeg.
    Avif,
    /// HEIC/HEIF: decoded through ffmpeg.
    Heic,
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// An image.
    Image(ImageFormat),
    /// A video container (MP4, QuickTime, WebM, Matroska, Ogg with video…).
    Video,
    /// An audio file (MP3, Ogg, WAV, FLAC, M4A, Opus…).
    Audio,
    /// Nothing we accept.
    Unknown,
}

/// Looks at the first bytes.
pub fn sniff(bytes: &[u8]) -> Detected {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Detected::Image(ImageFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Detected::Image(ImageFormat::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Detected::Image(ImageFormat::Gif);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" {
        return match &bytes[8..12] {
            b"WEBP" => Detected::Image(ImageFormat::Webp),
            b"WAVE" => Detected::Audio,
            // AVI is not served (Mastodon refuses it too), and ffmpeg's AVI
            // demuxer opens nested formats (an HLS playlist as a subtitle).
            _ => Detected::Unknown,
        };
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => Detected::Image(ImageFormat::Avif),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"mif1" | b"msf1" => {
                Detected::Image(ImageFormat::Heic)
            }
            b"M4A " | b"M4B " | b"F4A " => Detected::Audio,
            _ => Detected::Video,
        };
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // WebM or Matroska; audio-only WebM is rare enough to treat as video,
        // and ffmpeg tells the truth during processing.
        return Detected::Video;
    }
    if starts(b"OggS") {
        let head = &bytes[..bytes.len().min(128)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        return if has(b"theora") || has(b"\x01video") {
            Detected::Video
        } else {
            Detected::Audio
        };
    }
    if starts(b"fLaC") || starts(b"ID3") {
        return Detected::Audio;
    }
    // MPEG audio frame sync without an ID3 tag.
    if bytes.len() >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0 {
        return Detected::Audio;
    }
    Detected::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_are_recognised() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0rest"),
            Detected::Image(ImageFormat::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nrest"),
            Detected::Image(ImageFormat::Png)
        );
        assert_eq!(sniff(b"GIF89a...."), Detected::Image(ImageFormat::Gif));
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Detected::Image(ImageFormat::Webp)
        );
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Detected::Audio);
        assert_eq!(sniff(b"RIFF\0\0\0\0AVI LIST"), Detected::Unknown);
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0"),
            Detected::Image(ImageFormat::Avif)
        );
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0"), Detected::Video);
        assert_eq!(sniff(b"\0\0\0\x18ftypM4A \0\0"), Detected::Audio);
        assert_eq!(sniff(b"ID3\x04\0"), Detected::Audio);
        assert_eq!(sniff(b"<svg xmlns="), Detected::Unknown);
        assert_eq!(sniff(b""), Detected::Unknown);
        assert_eq!(sniff(b"%PDF-1.7"), Detected::Unknown);
    }
}
