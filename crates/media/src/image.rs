//! Images: decoded in-process (no ImageMagick), EXIF orientation applied,
//! metadata dropped by re-encoding, resized to Mastodon's limits, plus a
//! small preview and its blurhash.
use std::io::Cursor;

use fast_image_resize as fr;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader};
use serde_json::json;

use crate::sniff::ImageFormat;
use crate::{meta, Encoded, MediaError, Processed};

/// The most pixels an original keeps (3840×2160, as Mastodon).
pub const ORIGINAL_PIXELS: u64 = 8_294_400;
/// The most pixels a small preview has (640×360, as Mastodon).
pub const SMALL_PIXELS: u64 = 230_400;
/// JPEG quality of re-encoded images.
const JPEG_QUALITY: u8 = 85;

/// Limits applied before and while decoding.
#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    /// Images whose header claims more pixels are refused undecoded.
    pub max_pixels: u64,
}

/// Processes an uploaded still image (or the first frame of an animation).
pub fn process_image(
    bytes: &[u8],
    format: ImageFormat,
    limits: &ImageLimits,
) -> Result<Processed, MediaError> {
    let decoded = decode(bytes, format, limits)?;
    let (original_width, original_height) = (decoded.width(), decoded.height());
    let has_alpha = decoded.color().has_alpha();
    let original = fit_within(decoded, ORIGINAL_PIXELS)?;
    let small = fit_within_ref(&original, SMALL_PIXELS)?;
    let blurhash = blurhash_of(&small)?;
    let original = encode(&original, has_alpha)?;
    let small = encode(&small, has_alpha)?;
    tracing::debug!(
        from = %format!("{original_width}x{original_height}"),
        to = %format!("{}x{}", original.width, original.height),
        "image processed"
    );
    Ok(Processed {
        kind: "image",
        meta: json!({
            "original": meta::dimensions(original.width, original.height),
            "small": meta::dimensions(small.width, small.height),
        }),
        original,
        small: Some(small),
        blurhash: Some(blurhash),
    })
}

/// A preview and blurhash for a frame already decoded (video thumbnails).
pub fn preview(frame: DynamicImage) -> Result<(Encoded, String), MediaError> {
    let small = fit_within(frame, SMALL_PIXELS)?;
    let blurhash = blurhash_of(&small)?;
    Ok((encode(&small, false)?, blurhash))
}

/// An avatar or header: scaled to cover `width`×`height` and cropped to it
/// (never enlarged), as Mastodon's `400x400#` and `1500x500#` geometries.
pub fn process_profile_image(
    bytes: &[u8],
    format: ImageFormat,
    limits: &ImageLimits,
    width: u32,
    height: u32,
) -> Result<Encoded, MediaError> {
    let decoded = decode(bytes, format, limits)?;
    let has_alpha = decoded.color().has_alpha();
    let (w, h) = (f64::from(decoded.width()), f64::from(decoded.height()));
    // The largest centred source region with the box's aspect ratio…
    let aspect = f64::from(width) / f64::from(height);
    let (crop_w, crop_h) = if w / h > aspect {
        (h * aspect, h)
    } else {
        (w, w / aspect)
    };
    // …scaled down to the box, never up.
    let scale = (f64::from(width) / crop_w).min(1.0);
    let out_w = (crop_w * scale).round().max(1.0) as u32;
    let out_h = (crop_h * scale).round().max(1.0) as u32;
    let cropped = resize(
        &decoded,
        out_w,
        out_h,
        Some(((w - crop_w) / 2.0, (h - crop_h) / 2.0, crop_w, crop_h)),
    )?;
    encode(&cropped, has_alpha)
}

/// True when a GIF has more than one frame (it becomes a `gifv` video).
pub fn is_animated_gif(bytes: &[u8]) -> bool {
    use image::AnimationDecoder;
    let Ok(decoder) = image::codecs::gif::GifDecoder::new(Cursor::new(bytes)) else {
        return false;
    };
    decoder.into_frames().take(2).filter(Result::is_ok).count() > 1
}

/// Decodes with the pixel limit checked against the header first, and the
/// EXIF orientation applied.
pub fn decode(
    bytes: &[u8],
    format: ImageFormat,
    limits: &ImageLimits,
) -> Result<DynamicImage, MediaError> {
    let format = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::Webp => image::ImageFormat::WebP,
        ImageFormat::Avif | ImageFormat::Heic => {
            return Err(MediaError::Unsupported(format!(
                "{format:?} images are converted through ffmpeg"
            )))
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    // Decoded bytes at 4 per pixel (RGBA8), plus decoder working room.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(MediaError::TooManyPixels {
            pixels,
            limit: limits.max_pixels,
        });
    }
    if pixels == 0 {
        return Err(MediaError::Corrupt("the image has no pixels".into()));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(normalise(image))
}

fn corrupt(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(l) => MediaError::Corrupt(format!("too large to decode: {l}")),
        image::ImageError::Unsupported(u) => MediaError::Unsupported(u.to_string()),
        other => MediaError::Corrupt(other.to_string()),
    }
}

/// 8-bit RGB or RGBA, whatever the source's depth and colour type.
fn normalise(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    }
}

/// Scales down to at most `limit` pixels, keeping the aspect ratio; an image
/// already small enough is returned as it is.
fn fit_within(image: DynamicImage, limit: u64) -> Result<DynamicImage, MediaError> {
    match target_size(image.width(), image.height(), limit) {
        None => Ok(image),
        Some((w, h)) => resize(&image, w, h, None),
    }
}

fn fit_within_ref(image: &DynamicImage, limit: u64) -> Result<DynamicImage, MediaError> {
    match target_size(image.width(), image.height(), limit) {
        None => Ok(image.clone()),
        Some((w, h)) => resize(image, w, h, None),
    }
}

/// The size that fits `limit` pixels, or `None` when no resize is needed.
fn target_size(width: u32, height: u32, limit: u64) -> Option<(u32, u32)> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= limit {
        return None;
    }
    let scale = (limit as f64 / pixels as f64).sqrt();
    let w = ((f64::from(width) * scale).floor() as u32).max(1);
    let h = ((f64::from(height) * scale).floor() as u32).max(1);
    Some((w, h))
}

/// Resizes (optionally from a crop box) with a Lanczos filter.
fn resize(
    image: &DynamicImage,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<DynamicImage, MediaError> {
    let (pixel_type, bytes) = match image {
        DynamicImage::ImageRgba8(buf) => (fr::PixelType::U8x4, buf.as_raw().as_slice()),
        DynamicImage::ImageRgb8(buf) => (fr::PixelType::U8x3, buf.as_raw().as_slice()),
        other => {
            return resize(&normalise(other.clone()), width, height, crop);
        }
    };
    let src = fr::images::ImageRef::new(image.width(), image.height(), bytes, pixel_type)
        .map_err(|e| MediaError::Corrupt(format!("resize source: {e}")))?;
    let mut dst = fr::images::Image::new(width, height, pixel_type);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((left, top, w, h)) = crop {
        options = options.crop(left, top, w, h);
    }
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| MediaError::Corrupt(format!("resize: {e}")))?;
    let buffer = dst.into_vec();
    let out = match pixel_type {
        fr::PixelType::U8x4 => {
            image::RgbaImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgba8)
        }
        _ => image::RgbImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgb8),
    };
    out.ok_or_else(|| MediaError::Corrupt("resize produced a short buffer".into()))
}

/// JPEG for opaque images, PNG where transparency must survive.
fn encode(image: &DynamicImage, keep_alpha: bool) -> Result<Encoded, MediaError> {
    let (width, height) = (image.width(), image.height());
    let mut bytes = Vec::new();
    if keep_alpha && image.color().has_alpha() {
        let rgba = image.to_rgba8();
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
            .write_image(
                rgba.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
            .map_err(corrupt)?;
        return Ok(Encoded {
            bytes,
            content_type: "image/png",
            extension: "png",
            width,
            height,
        });
    }
    let rgb;
    let raw = match image {
        DynamicImage::ImageRgb8(buf) => buf.as_raw(),
        other => {
            rgb = other.to_rgb8();
            rgb.as_raw()
        }
    };
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .write_image(raw, width, height, image::ExtendedColorType::Rgb8)
        .map_err(corrupt)?;
    Ok(Encoded {
        bytes,
        content_type: "image/jpeg",
        extension: "jpg",
        width,
        height,
    })
}

/// The blurhash (4×4 components, as Mastodon) of a tiny copy of the image.
fn blurhash_of(image: &DynamicImage) -> Result<String, MediaError> {
    let tiny = fit_within_ref(image, 64 * 64)?.to_rgba8();
    blurhash::encode(4, 4, tiny.width(), tiny.height(), tiny.as_raw())
        .map_err(|e| MediaError::Corrupt(format!("blurhash: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, y| {
                image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 128])
            }))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
            }))
        };
        image
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .map(|()| out)
            .unwrap_or_default()
    }

    const LIMITS: ImageLimits = ImageLimits {
        max_pixels: 33_177_600,
    };

    #[test]
    fn small_opaque_png_keeps_size_and_gets_a_jpeg_and_preview() -> Result<(), MediaError> {
        let out = process_image(&png(800, 600, false), ImageFormat::Png, &LIMITS)?;
        assert_eq!((out.original.width, out.original.height), (800, 600));
        assert_eq!(out.original.content_type, "image/jpeg");
        let small = out.small.as_ref().map(|s| (s.width, s.height));
        assert_eq!(small, Some((554, 415)));
        assert_eq!(out.meta["original"]["size"], "800x600");
        // 4×4 components: 6 characters of header and DC, 2 per AC component.
        assert_eq!(out.blurhash.as_deref().map(str::len), Some(36));
        Ok(())
    }

    #[test]
    fn transparency_survives_as_png() -> Result<(), MediaError> {
        let out = process_image(&png(64, 64, true), ImageFormat::Png, &LIMITS)?;
        assert_eq!(out.original.content_type, "image/png");
        Ok(())
    }

    #[test]
    fn large_images_are_scaled_to_the_pixel_limit() -> Result<(), MediaError> {
        let out = process_image(&png(4000, 3000, false), ImageFormat::Png, &LIMITS)?;
        let pixels = u64::from(out.original.width) * u64::from(out.original.height);
        assert!(pixels <= ORIGINAL_PIXELS, "{pixels}");
        assert_eq!(out.original.width, 3325);
        Ok(())
    }

    #[test]
    fn bombs_are_refused_before_decoding() {
        let err = process_image(
            &png(300, 300, false),
            ImageFormat::Png,
            &ImageLimits { max_pixels: 10_000 },
        );
        assert!(matches!(
            err,
            Err(MediaError::TooManyPixels { pixels: 90_000, .. })
        ));
    }

    #[test]
    fn truncated_and_garbage_files_are_corrupt() {
        let whole = png(100, 100, false);
        let truncated = &whole[..whole.len() / 2];
        assert!(matches!(
            process_image(truncated, ImageFormat::Png, &LIMITS),
            Err(MediaError::Corrupt(_))
        ));
        assert!(
            process_image(b"\xFF\xD8\xFFnot a jpeg at all", ImageFormat::Jpeg, &LIMITS).is_err()
        );
    }

    #[test]
    fn profile_images_are_cropped_to_cover() -> Result<(), MediaError> {
        let avatar =
            process_profile_image(&png(1000, 500, false), ImageFormat::Png, &LIMITS, 400, 400)?;
        assert_eq!((avatar.width, avatar.height), (400, 400));
        let small =
            process_profile_image(&png(120, 80, false), ImageFormat::Png, &LIMITS, 400, 400)?;
        assert_eq!((small.width, small.height), (80, 80));
        Ok(())
    }
}
