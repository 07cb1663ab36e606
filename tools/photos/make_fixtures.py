#!/usr/bin/python3
"""Makes the photo test fixtures of core (io/etalon/data/photos): awkward image files and what PIL and
torchvision make of them.

Run from the repository root with Debian's python3-pil, python3-numpy and python3-torchvision:
    /usr/bin/python3 tools/photos/make_fixtures.py [SKIMAGE_DATA_DIR]

decode/  small files in every format PhotoReader must read, each beside NAME.rgb.npy (uint8 [H, W, 3]) =
         np.asarray(ImageOps.exif_transpose(Image.open(NAME)).convert('RGB')), what a torchvision pipeline sees;
         16-bit files instead beside NAME.samples.npy (uint16 [H, W] or [H, W, 3]), the stored samples, because
         PIL clips or truncates them. PNGs PIL cannot write (2/4-bit grey, 16-bit RGB) are written here by hand.
         A few files are copied from scikit-image's test data (see NOTICE).
resize/  torchvision's Resize(r) then CenterCrop(c) of the shipped photos (data/photos) and of one small file,
         as uint8 [H, W, 3] npy, listed in resize/cases.csv.
"""
import csv
import os
import shutil
import struct
import sys
import zlib

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image, ImageOps

ROOT = "core/src/test/resources/io/etalon/data/photos"
DECODE = os.path.join(ROOT, "decode")
RESIZE = os.path.join(ROOT, "resize")
SKIMAGE = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sk/DIR/usr/lib/python3/dist-packages/skimage/data"
COPIED = ["foo3x5x4indexed.png", "palette_color.png", "palette_gray.png", "truncated.jpg"]


def write_png(path, samples, colour_type, bits):
    """A PNG written chunk by chunk: samples is uint [H, W] or [H, W, C] of values below 2**bits."""
    height, width = samples.shape[:2]
    rows = []
    for row in samples.reshape(height, width, -1):
        if bits < 8:
            packed = np.packbits(np.unpackbits(row.astype(np.uint8).reshape(-1, 1), axis=1)[:, 8 - bits:].reshape(-1))
            rows.append(b"\x00" + packed.tobytes())
        elif bits == 8:
            rows.append(b"\x00" + row.astype(np.uint8).tobytes())
        else:
            rows.append(b"\x00" + row.astype(">u2").tobytes())

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
                  + chunk(b"IEND", b""))


def save_rgb_reference(name):
    with Image.open(os.path.join(DECODE, name)) as image:
        rgb = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    np.save(os.path.join(DECODE, name + ".rgb.npy"), rgb)


def decode_fixtures():
    os.makedirs(DECODE, exist_ok=True)
    # a small, asymmetric colour picture: the cat's head, 32 wide and 24 high
    with Image.open("data/photos/chelsea.png") as cat:
        upright = cat.convert("RGB").crop((140, 20, 332, 164)).resize((32, 24), Image.BILINEAR)
    upright.save(os.path.join(DECODE, "rgb.png"))
    upright.save(os.path.join(DECODE, "baseline.jpg"), quality=90)
    upright.save(os.path.join(DECODE, "progressive.jpg"), quality=90, progressive=True)
    # PIL's own RGB-to-CMYK uses no black ink: give K a ramp so the conversion back exercises it
    cmyk = np.asarray(upright.convert("CMYK")).copy()
    cmyk[:, :, 3] = np.tile(np.linspace(0, 160, 24).astype(np.uint8).reshape(24, 1), (1, 32))
    Image.fromarray(cmyk, "CMYK").save(os.path.join(DECODE, "cmyk.jpg"), quality=90)
    upright.convert("L").save(os.path.join(DECODE, "grey.jpg"), quality=90)
    # stored so that applying EXIF orientation k gives the upright picture back
    undo = {2: [Image.FLIP_LEFT_RIGHT], 3: [Image.ROTATE_180], 4: [Image.FLIP_TOP_BOTTOM], 5: [Image.TRANSPOSE],
            6: [Image.ROTATE_90], 7: [Image.TRANSVERSE], 8: [Image.ROTATE_270]}
    for orientation, steps in undo.items():
        stored = upright
        for step in steps:
            stored = stored.transpose(step)
        exif = Image.Exif()
        exif[0x0112] = orientation
        stored.save(os.path.join(DECODE, f"exif{orientation}.jpg"), quality=90, exif=exif.tobytes())
    grey = np.asarray(upright.convert("L"))
    upright.convert("1").save(os.path.join(DECODE, "grey1.png"))
    write_png(os.path.join(DECODE, "grey2.png"), grey >> 6, 0, 2)
    write_png(os.path.join(DECODE, "grey4.png"), grey >> 4, 0, 4)
    upright.convert("L").save(os.path.join(DECODE, "grey8.png"))
    alpha = np.tile(np.linspace(0, 255, 32).astype(np.uint8), (24, 1))
    Image.fromarray(np.dstack([grey, alpha]), "LA").save(os.path.join(DECODE, "grey-alpha.png"))
    Image.fromarray(np.dstack([np.asarray(upright), alpha]), "RGBA").save(os.path.join(DECODE, "rgba.png"))
    upright.quantize(16).save(os.path.join(DECODE, "palette4.png"), bits=4)
    upright.quantize(200).save(os.path.join(DECODE, "palette8.png"))
    upright.save(os.path.join(DECODE, "rgb.bmp"))
    upright.quantize(200).save(os.path.join(DECODE, "palette.bmp"))
    upright.convert("1").save(os.path.join(DECODE, "grey1.bmp"))
    for name in COPIED:
        shutil.copyfile(os.path.join(SKIMAGE, name), os.path.join(DECODE, name))
    for name in sorted(os.listdir(DECODE)):
        if not name.endswith(".npy") and name != "truncated.jpg":
            save_rgb_reference(name)
    # 16 bits: the stored samples are the reference (PIL reads 16-bit RGB as its top byte and clips 16-bit grey)
    rng = np.random.default_rng(13)
    grey16 = (grey.astype(np.uint16) * 257 + rng.integers(0, 257, grey.shape)).astype(np.uint16)
    write_png(os.path.join(DECODE, "grey16.png"), grey16, 0, 16)
    np.save(os.path.join(DECODE, "grey16.png.samples.npy"), grey16)
    rgb = np.asarray(upright).astype(np.uint16)
    rgb16 = (rgb * 257 + rng.integers(0, 257, rgb.shape)).astype(np.uint16)
    write_png(os.path.join(DECODE, "rgb16.png"), rgb16, 2, 16)
    np.save(os.path.join(DECODE, "rgb16.png.samples.npy"), rgb16)


def resize_fixtures():
    os.makedirs(RESIZE, exist_ok=True)
    cases = [("chelsea.png", 256, 224), ("coffee.png", 256, 224), ("astronaut.png", 256, 224), ("rocket.jpg", 256, 224),
             ("chelsea.png", 64, 56), ("coffee.png", 37, 31), ("astronaut.png", 100, 99), ("rocket.jpg", 33, 32),
             ("chelsea.png", 320, 96), ("rocket.jpg", 500, 80), ("coffee.png", 399, 64)]
    small = os.path.join(DECODE, "baseline.jpg")
    rows = []
    for photo, size, crop in cases + [(small, 97, 90), (small, 11, 10)]:
        path = photo if os.path.isabs(photo) or photo.startswith(ROOT) else os.path.join("data/photos", photo)
        with Image.open(path) as image:
            rgb = image.convert("RGB")
        resized = T.Resize(size)(rgb)
        cropped = T.CenterCrop(crop)(resized)
        pixels = np.asarray(cropped)
        # ToTensor is exactly the uint8 values / 255 in float32: the Java test compares uint8 and divides
        assert torch.equal(T.ToTensor()(cropped), torch.from_numpy(pixels.astype(np.float32) / np.float32(255)).permute(2, 0, 1))
        name = f"{os.path.splitext(os.path.basename(photo))[0]}-r{size}-c{crop}.npy"
        np.save(os.path.join(RESIZE, name), pixels)
        source = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
        rows.append([source, size, crop, resized.size[1], resized.size[0], name])
    with open(os.path.join(RESIZE, "cases.csv"), "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["photo", "resize", "crop", "resized_height", "resized_width", "expected"])
        writer.writerows(rows)


if __name__ == "__main__":
    decode_fixtures()
    resize_fixtures()
