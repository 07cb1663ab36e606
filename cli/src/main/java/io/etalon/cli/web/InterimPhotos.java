package io.etalon.cli.web;

import io.etalon.data.DataFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A stand-in for core's photo decoding and torchvision-style preprocessing while those land: decodes a file's bytes
 * with ImageIO, resizes the shorter side to {@code resize} (bilinear, no antialiasing) and takes the centre crop, as
 * {@code (3, crop, crop)} RGB values in {@code [0, 1]}. Replaced by {@code io.etalon.data} as soon as it is in main.
 */
final class InterimPhotos {

    private InterimPhotos() {
    }

    /** The photo as X. */
    static float[] input(byte[] content, int resize, int crop) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(content));
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException("the photo is not a readable image (" + e.getMessage() + "); send a JPEG, PNG or BMP file");
        }
        if (image == null) {
            throw new DataFormatException("the photo is not a readable image; send a JPEG, PNG or BMP file");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        int newH = h <= w ? resize : (int) ((long) resize * h / w);
        int newW = h <= w ? (int) ((long) resize * w / h) : resize;
        if (newH < crop || newW < crop) {
            throw new DataFormatException("the photo is smaller than the crop");
        }
        BufferedImage resized = new BufferedImage(newW, newH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, newW, newH, null);
        g.dispose();
        int top = (newH - crop) / 2;
        int left = (newW - crop) / 2;
        float[] x = new float[3 * crop * crop];
        for (int y = 0; y < crop; y++) {
            for (int xx = 0; xx < crop; xx++) {
                int rgb = resized.getRGB(left + xx, top + y);
                for (int c = 0; c < 3; c++) {
                    x[c * crop * crop + y * crop + xx] = ((rgb >> (16 - 8 * c)) & 0xFF) / 255f;
                }
            }
        }
        return x;
    }

    /** Blend (contribution over the dimmed photo) and heat (channel sum) of each etalon, 99th percentile shared. */
    static PhotoPictures.Drawn draw(float[] x, java.util.List<float[]> etalons, int height, int width) {
        int plane = height * width;
        java.util.List<float[]> heats = new java.util.ArrayList<>();
        java.util.List<float[]> blends = new java.util.ArrayList<>();
        for (float[] w : etalons) {
            float[] heat = new float[plane];
            float[] blend = new float[plane];
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    heat[i] += w[c * plane + i];
                    blend[i] += w[c * plane + i] * x[c * plane + i];
                }
            }
            heats.add(heat);
            blends.add(blend);
        }
        double heatClip = clip(heats);
        double blendClip = clip(blends);
        BufferedImage photo = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                rgb = (rgb << 8) | Math.round(255 * x[c * plane + i]);
            }
            photo.setRGB(i % width, i / width, rgb);
        }
        java.util.List<java.util.Map<String, String>> views = new java.util.ArrayList<>();
        for (int k = 0; k < etalons.size(); k++) {
            BufferedImage blend = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            BufferedImage heat = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < plane; i++) {
                double grey = 0.25 + 0.5 * (0.299 * x[i] + 0.587 * x[plane + i] + 0.114 * x[2 * plane + i]);
                blend.setRGB(i % width, i / width, towards(grey, blends.get(k)[i] / blendClip));
                heat.setRGB(i % width, i / width, towards(1, heats.get(k)[i] / heatClip));
            }
            views.add(java.util.Map.of("blend", PhotoPictures.dataUrl(blend), "heat", PhotoPictures.dataUrl(heat)));
        }
        java.util.List<java.util.Map<String, Object>> legend = java.util.List.of(
                java.util.Map.of("view", "blend", "clip", blendClip, "percentile", 99, "words", java.util.List.of(
                        "pixel value x etalon summed over R, G, B, over the photo (greyed, dimmed)",
                        "red: the pixel adds to the score; blue: it takes away")),
                java.util.Map.of("view", "heat", "clip", heatClip, "percentile", 99, "words", java.util.List.of(
                        "the etalon summed over R, G, B", "red: brightening the pixel raises the score; blue: lowers it")));
        return new PhotoPictures.Drawn(PhotoPictures.dataUrl(photo), views, legend);
    }

    private static double clip(java.util.List<float[]> maps) {
        int n = 0;
        for (float[] m : maps) {
            n += m.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] m : maps) {
            for (float v : m) {
                all[at++] = Math.abs(v);
            }
        }
        java.util.Arrays.sort(all);
        double value = all[(int) (0.99 * (n - 1))];
        return value > 0 ? value : 1;
    }

    private static int towards(double grey, double v) {
        double t = Math.min(1, Math.abs(v));
        int target = v >= 0 ? 0xD7301F : 0x2166AC;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            rgb = (rgb << 8) | (int) Math.round(255 * grey * (1 - t) + ((target >> shift) & 0xFF) * t);
        }
        return rgb;
    }
}
