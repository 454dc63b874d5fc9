//! Video, audio and animated GIFs through ffmpeg (a separate program, run
//! with a time limit and an address-space limit), plus AVIF/HEIC stills
//! where the installed ffmpeg can read them.
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use tokio::process::Command;

use crate::image::ImageLimits;
use crate::tempdir::TempDir;
use crate::{meta, Encoded, MediaError, Processed};

/// How ffmpeg is run.
#[derive(Debug, Clone)]
pub struct FfmpegLimits {
    /// The ffmpeg program; ffprobe is expected beside it.
    pub binary: String,
    /// Each run is killed after this long.
    pub timeout: Duration,
    /// Address-space limit per run, in bytes.
    pub memory_bytes: u64,
}

/// Largest video frame kept (Mastodon's 1920×1080 box).
const MAX_VIDEO_WIDTH: u32 = 1920;
const MAX_VIDEO_HEIGHT: u32 = 1080;
const MAX_FPS: f64 = 60.0;

/// The demuxers of the containers we serve (a demuxer may go by several
/// names, e.g. `mov,mp4,m4a,…`; any one listed admits it).
const SERVED_CONTAINERS: &str = "mov,mp4,matroska,webm,ogg,mp3,aac,flac,wav,gif";

/// Input options of every ffmpeg and ffprobe run. An upload is read only
/// as a local file and only by a demuxer of a container we serve: a
/// playlist or script inside it (HLS, DASH, concat, an AVI's embedded
/// subtitle stream) is refused instead of fetching URLs (SSRF) or other
/// local files into the output.
const INPUT_GUARDS: [&str; 4] = [
    "-protocol_whitelist",
    "file,pipe",
    "-format_whitelist",
    SERVED_CONTAINERS,
];

impl FfmpegLimits {
    fn probe_binary(&self) -> String {
        match self.binary.strip_suffix("ffmpeg") {
            Some(prefix) => format!("{prefix}ffprobe"),
            None => "ffprobe".to_owned(),
        }
    }

    /// Runs `program args…` under the limits; stdout on success.
    async fn run(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, MediaError> {
        let kib = (self.memory_bytes / 1024).max(1);
        // `ulimit -v` in a shell that then execs the program: no unsafe
        // pre_exec hook needed, and the limit covers the whole run.
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = command.spawn()?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| MediaError::Timeout(self.timeout.as_secs()))??;
        if output.status.success() {
            return Ok(output.stdout);
        }
        // 127: the shell could not find the program.
        if output.status.code() == Some(127) {
            return Err(MediaError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{program} is not installed (FFMPEG_BINARY)"),
            )));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr
            .trim()
            .chars()
            .rev()
            .take(300)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Err(MediaError::Ffmpeg(if tail.is_empty() {
            format!("{program} exited with {}", output.status)
        } else {
            tail
        }))
    }

    /// Runs ffmpeg quietly on `input`, with `args` between the input and `output`.
    async fn ffmpeg(&self, input: &Path, args: &[&str], output: &Path) -> Result<(), MediaError> {
        let (input, output) = (input.to_string_lossy(), output.to_string_lossy());
        let mut all = vec!["-nostdin", "-hide_banner", "-loglevel", "error", "-y"];
        all.extend_from_slice(&INPUT_GUARDS);
        all.extend_from_slice(&["-i", &input]);
        all.extend_from_slice(args);
        all.push(&output);
        self.run(&self.binary, &all).await.map(|_| ())
    }

    /// Writes the first video frame of `input` as a PNG.
    async fn first_frame_png(&self, input: &Path, output: &Path) -> Result<(), MediaError> {
        self.ffmpeg(
            input,
            &["-frames:v", "1", "-f", "image2", "-c:v", "png"],
            output,
        )
        .await
    }

    async fn probe(&self, path: &Path) -> Result<Probe, MediaError> {
        let path = path.to_string_lossy();
        let mut args = vec!["-v", "error"];
        args.extend_from_slice(&INPUT_GUARDS);
        args.extend_from_slice(&[
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            path.as_ref(),
        ]);
        let out = self.run(&self.probe_binary(), &args).await?;
        serde_json::from_slice(&out)
            .map_err(|e| MediaError::Corrupt(format!("ffprobe output: {e}")))
    }
}

#[derive(Debug, Deserialize, Default)]
struct Probe {
    #[serde(default)]
    streams: Vec<Stream>,
    #[serde(default)]
    format: Format,
}

#[derive(Debug, Deserialize, Default)]
struct Stream {
    #[serde(default)]
    codec_type: String,
    #[serde(default)]
    codec_long_name: String,
    width: Option<u32>,
    height: Option<u32>,
    #[serde(default)]
    r_frame_rate: String,
    #[serde(default)]
    avg_frame_rate: String,
    sample_rate: Option<String>,
    channels: Option<u32>,
    channel_layout: Option<String>,
    disposition: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default)]
struct Format {
    duration: Option<String>,
    bit_rate: Option<String>,
}

impl Probe {
    fn video(&self) -> Option<&Stream> {
        self.streams.iter().find(|s| {
            s.codec_type == "video"
                && !s
                    .disposition
                    .as_ref()
                    .and_then(|d| d.get("attached_pic"))
                    .is_some_and(|v| v == 1)
        })
    }

    fn audio(&self) -> Option<&Stream> {
        self.streams.iter().find(|s| s.codec_type == "audio")
    }

    fn duration(&self) -> f64 {
        self.format
            .duration
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0.0)
    }

    fn bitrate(&self) -> u64 {
        self.format
            .bit_rate
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0)
    }
}

fn frame_rate(raw: &str) -> f64 {
    match raw.split_once('/') {
        Some((n, d)) => {
            let (n, d): (f64, f64) = (n.parse().unwrap_or(0.0), d.parse().unwrap_or(0.0));
            if d > 0.0 {
                n / d
            } else {
                0.0
            }
        }
        None => raw.parse().unwrap_or(0.0),
    }
}

/// Transcodes a video (or, with `gifv`, an animated GIF: no sound) to H.264
/// MP4 within 1920×1080 and 60 fps, with a preview from its first frame.
pub async fn process_video(
    bytes: &[u8],
    limits: &FfmpegLimits,
    image_limits: &ImageLimits,
    gifv: bool,
) -> Result<Processed, MediaError> {
    let dir = TempDir::new()?;
    let input = dir.path().join("input");
    tokio::fs::write(&input, bytes).await?;
    let probe = limits.probe(&input).await?;
    let Some(video) = probe.video() else {
        if probe.audio().is_some() {
            return process_audio_file(&dir, &input, &probe, limits).await;
        }
        return Err(MediaError::Corrupt("no video or audio stream found".into()));
    };
    let (width, height) = (video.width.unwrap_or(0), video.height.unwrap_or(0));
    if u64::from(width) * u64::from(height) > image_limits.max_pixels {
        return Err(MediaError::TooManyPixels {
            pixels: u64::from(width) * u64::from(height),
            limit: image_limits.max_pixels,
        });
    }
    let source_fps = frame_rate(&video.avg_frame_rate).max(frame_rate(&video.r_frame_rate));
    let output = dir.path().join("output.mp4");
    let scale = format!(
        "scale='min({MAX_VIDEO_WIDTH},iw)':'min({MAX_VIDEO_HEIGHT},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2"
    );
    let mut args: Vec<&str> = vec!["-map", "0:v:0"];
    if gifv {
        args.push("-an");
    } else {
        args.extend(["-map", "0:a:0?", "-c:a", "aac", "-b:a", "128k"]);
    }
    let fps_cap = format!("{MAX_FPS}");
    if source_fps > MAX_FPS {
        args.extend(["-r", &fps_cap]);
    }
    args.extend([
        "-vf",
        &scale,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        "-threads",
        "2",
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",
    ]);
    limits.ffmpeg(&input, &args, &output).await?;
    let out_probe = limits.probe(&output).await?;
    let out_video = out_probe
        .video()
        .ok_or_else(|| MediaError::Ffmpeg("the transcoded file has no video".into()))?;
    let (out_w, out_h) = (out_video.width.unwrap_or(0), out_video.height.unwrap_or(0));
    let thumb = dir.path().join("thumb.png");
    limits.first_frame_png(&output, &thumb).await?;
    let frame = crate::image::decode(
        &tokio::fs::read(&thumb).await?,
        crate::ImageFormat::Png,
        image_limits,
    )?;
    let (small, blurhash) = crate::image::preview(frame)?;
    let duration = out_probe.duration();
    let fps = frame_rate(&out_video.avg_frame_rate).round();
    let mut meta = json!({
        "length": meta::length(duration),
        "duration": duration,
        "fps": fps,
        "size": format!("{out_w}x{out_h}"),
        "width": out_w,
        "height": out_h,
        "aspect": if out_h == 0 { 0.0 } else { f64::from(out_w) / f64::from(out_h) },
        "original": {
            "width": out_w,
            "height": out_h,
            "frame_rate": out_video.avg_frame_rate,
            "duration": duration,
            "bitrate": out_probe.bitrate(),
        },
        "small": meta::dimensions(small.width, small.height),
    });
    if let Some(audio) = out_probe.audio() {
        add_audio_meta(&mut meta, audio);
    }
    let bytes = tokio::fs::read(&output).await?;
    Ok(Processed {
        kind: if gifv { "gifv" } else { "video" },
        original: Encoded {
            bytes,
            content_type: "video/mp4",
            extension: "mp4",
            width: out_w,
            height: out_h,
        },
        small: Some(small),
        blurhash: Some(blurhash),
        meta,
    })
}

/// Transcodes audio to MP3 (as Mastodon), metadata dropped.
pub async fn process_audio(bytes: &[u8], limits: &FfmpegLimits) -> Result<Processed, MediaError> {
    let dir = TempDir::new()?;
    let input = dir.path().join("input");
    tokio::fs::write(&input, bytes).await?;
    let probe = limits.probe(&input).await?;
    if probe.audio().is_none() {
        return Err(MediaError::Corrupt("no audio stream found".into()));
    }
    process_audio_file(&dir, &input, &probe, limits).await
}

async fn process_audio_file(
    dir: &TempDir,
    input: &Path,
    probe: &Probe,
    limits: &FfmpegLimits,
) -> Result<Processed, MediaError> {
    let output = dir.path().join("output.mp3");
    limits
        .ffmpeg(
            input,
            &[
                "-vn",
                "-map_metadata",
                "-1",
                "-c:a",
                "libmp3lame",
                "-q:a",
                "2",
            ],
            &output,
        )
        .await?;
    let out_probe = limits.probe(&output).await?;
    let duration = out_probe.duration().max(probe.duration());
    let mut meta = json!({
        "length": meta::length(duration),
        "duration": duration,
        "original": { "duration": duration, "bitrate": out_probe.bitrate() },
    });
    if let Some(audio) = out_probe.audio() {
        add_audio_meta(&mut meta, audio);
    }
    Ok(Processed {
        kind: "audio",
        original: Encoded {
            bytes: tokio::fs::read(&output).await?,
            content_type: "audio/mpeg",
            extension: "mp3",
            width: 0,
            height: 0,
        },
        small: None,
        blurhash: None,
        meta,
    })
}

fn add_audio_meta(meta: &mut serde_json::Value, audio: &Stream) {
    if let Some(obj) = meta.as_object_mut() {
        obj.insert("audio_encode".into(), json!(audio.codec_long_name));
        if let Some(rate) = &audio.sample_rate {
            obj.insert("audio_bitrate".into(), json!(format!("{rate} Hz")));
        }
        let channels = audio
            .channel_layout
            .clone()
            .unwrap_or_else(|| match audio.channels {
                Some(1) => "mono".into(),
                Some(2) => "stereo".into(),
                Some(n) => format!("{n} channels"),
                None => String::new(),
            });
        obj.insert("audio_channels".into(), json!(channels));
    }
}

/// Converts an AVIF or HEIC still to PNG bytes, when this ffmpeg can read it.
pub async fn convert_still_to_png(
    bytes: &[u8],
    limits: &FfmpegLimits,
) -> Result<Vec<u8>, MediaError> {
    let dir = TempDir::new()?;
    let input = dir.path().join("input");
    let output = dir.path().join("output.png");
    tokio::fs::write(&input, bytes).await?;
    limits
        .first_frame_png(&input, &output)
        .await
        .map_err(|e| match e {
            MediaError::Ffmpeg(reason) => MediaError::Unsupported(format!(
                "this server's ffmpeg cannot read AVIF/HEIC images ({reason})"
            )),
            other => other,
        })?;
    Ok(tokio::fs::read(&output).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_rates_parse() {
        assert_eq!(frame_rate("30/1"), 30.0);
        assert_eq!(frame_rate("30000/1001").round(), 30.0);
        assert_eq!(frame_rate("0/0"), 0.0);
        assert_eq!(frame_rate("25"), 25.0);
    }
}
