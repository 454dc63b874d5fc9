//! One image through Ferrodon's upload pipeline, as `ferrodon-web` runs it
//! for `POST /api/v2/media`: decode, EXIF orientation, resize to Mastodon's
//! limits, JPEG re-encode of the original and the preview, blurhash, and
//! both files written out. Run by `bench/media`, one process per run so
//! that the peak RSS (VmHWM) is that of one upload.
//!
//!     ferrodon-bench-media PHOTO.jpg OUT_DIR
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use ferrodon_media::image::{process_image, ImageLimits};
use ferrodon_media::{sniff, Detected};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (input, out_dir) = match args.as_slice() {
        [_, input, out_dir] => (input, out_dir),
        _ => {
            eprintln!("usage: ferrodon-bench-media PHOTO OUT_DIR");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let bytes = std::fs::read(input).expect("read the photo");
    let Detected::Image(format) = sniff(&bytes) else {
        panic!("not an image");
    };
    let processed = process_image(
        &bytes,
        format,
        &ImageLimits {
            max_pixels: 33_177_600,
        },
    )
    .expect("process");
    std::fs::write(
        format!("{out_dir}/original.{}", processed.original.extension),
        &processed.original.bytes,
    )
    .expect("write original");
    if let Some(small) = &processed.small {
        std::fs::write(format!("{out_dir}/small.{}", small.extension), &small.bytes)
            .expect("write small");
    }
    let elapsed = started.elapsed();
    println!(
        "{:.1} {} {}x{}",
        elapsed.as_secs_f64() * 1000.0,
        peak_rss_kib(),
        processed.original.width,
        processed.original.height
    );
}
