package io.etalon.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a photo becomes the input X of a model, as torchvision's transforms make it: resize the shorter side to
 * {@code resize} ({@code Resize(int)}: the other side becomes {@code int(resize * long / short)}, bilinear with
 * antialiasing, see {@link BilinearResize}), then take the centre {@code cropHeight x cropWidth} ({@code CenterCrop}:
 * offsets {@code round((h - cropHeight) / 2)}, halves to even as Python's {@code round}), values in {@code [0, 1]} as
 * {@code ToTensor} gives them. {@code mean} and {@code std} are the normalisation the model applies after that: they do
 * not change X (the command line folds them into the network), they are recorded with it.
 *
 * <p>Presets: {@link #IMAGENET} (resize 256, crop 224, ImageNet mean and std), {@link #CIFAR10} (32x32 images, no
 * resize, CIFAR-10 mean and std), {@link #MNIST} (28x28 grey, no resize, MNIST mean and std), {@link #NONE}.
 *
 * @param name       the preset it came from, or {@code custom}
 * @param resize     the shorter side after resizing, or 0 for no resize
 * @param cropHeight rows of the centre crop, or 0 for no crop (then {@code cropWidth} is 0 too)
 * @param cropWidth  columns of the centre crop, or 0 for no crop
 * @param mean       per-channel mean, 0, 1 or 3 values (empty: not stated) (copied in and out)
 * @param std        per-channel standard deviation, 0, 1 or 3 positive values (empty: not stated) (copied in and out)
 */
public record Preprocessing(String name, int resize, int cropHeight, int cropWidth, float[] mean, float[] std) {

    /** No resize, no crop, no normalisation stated. */
    public static final Preprocessing NONE = new Preprocessing("none", 0, 0, 0, new float[0], new float[0]);

    /** torchvision's ImageNet models: {@code Resize(256), CenterCrop(224), Normalize(mean, std)}. */
    public static final Preprocessing IMAGENET = new Preprocessing("imagenet", 256, 224, 224,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** CIFAR-10 models: 32x32 images as they are, normalised with the training set's mean and std. */
    public static final Preprocessing CIFAR10 = new Preprocessing("cifar10", 0, 0, 0,
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

    /** MNIST models: 28x28 grey images as they are, normalised with the training set's mean and std. */
    public static final Preprocessing MNIST = new Preprocessing("mnist", 0, 0, 0, new float[] {0.1307f},
            new float[] {0.3081f});

    public Preprocessing {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a preprocessing needs a name (a preset's or 'custom')");
        }
        if (resize < 0) {
            throw new IllegalArgumentException("--resize must be positive, got " + resize);
        }
        if (cropHeight < 0 || cropWidth < 0 || (cropHeight == 0) != (cropWidth == 0)) {
            throw new IllegalArgumentException("--crop must be positive, got " + cropHeight + "x" + cropWidth);
        }
        if (resize > 0 && cropHeight > 0 && Math.min(cropHeight, cropWidth) > resize) {
            throw new IllegalArgumentException("--crop " + cropHeight + "x" + cropWidth + " is larger than --resize " + resize
                    + " (the shorter side after resizing); give a crop of at most " + resize);
        }
        mean = checked(mean, "--mean", false);
        std = checked(std, "--std", true);
    }

    private static float[] checked(float[] values, String option, boolean positive) {
        if (values.length != 0 && values.length != 1 && values.length != 3) {
            throw new IllegalArgumentException(option + " needs 1 or 3 values, got " + values.length);
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && !(v > 0))) {
                throw new IllegalArgumentException(option + " must hold finite" + (positive ? " positive" : "")
                        + " numbers, got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    /** The preset of that name: {@code imagenet}, {@code cifar10}, {@code mnist} or {@code none}. */
    public static Preprocessing preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "imagenet" -> IMAGENET;
            case "cifar10" -> CIFAR10;
            case "mnist" -> MNIST;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("--preprocess must be imagenet, cifar10, mnist or none, got '"
                    + name + "'");
        };
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** This preprocessing with the shorter side resized to {@code side} (0: no resize). */
    public Preprocessing withResize(int side) {
        return new Preprocessing(name, side, cropHeight, cropWidth, mean, std);
    }

    /** This preprocessing with a centre crop of {@code height x width} (0 x 0: no crop). */
    public Preprocessing withCrop(int height, int width) {
        return new Preprocessing(name, resize, height, width, mean, std);
    }

    /** This preprocessing recorded with another mean and std. */
    public Preprocessing withNormalisation(float[] newMean, float[] newStd) {
        return new Preprocessing(name, resize, cropHeight, cropWidth, newMean, newStd);
    }

    /** {@code {height, width}} after resizing a {@code height x width} photo (torchvision's {@code Resize(int)} rule). */
    public int[] resizedSize(int height, int width) {
        if (resize == 0) {
            return new int[] {height, width};
        }
        int shorter = Math.min(height, width);
        int longer = Math.max(height, width);
        int newLonger = (int) ((double) resize * longer / shorter);
        return width <= height ? new int[] {newLonger, resize} : new int[] {resize, newLonger};
    }

    /** {@code {height, width}} of X for a {@code height x width} photo: the crop's, or the resized size. */
    public int[] outputSize(int height, int width) {
        return cropHeight > 0 ? new int[] {cropHeight, cropWidth} : resizedSize(height, width);
    }

    /** {@code {top, left}} of the centre crop in a resized {@code height x width} image, as torchvision's CenterCrop. */
    public int[] cropOffsets(int height, int width) {
        if (cropHeight == 0) {
            return new int[] {0, 0};
        }
        // Python's round halves to even; Math.rint does the same
        return new int[] {(int) Math.rint((height - cropHeight) / 2.0), (int) Math.rint((width - cropWidth) / 2.0)};
    }

    /**
     * X for one photo: resized, then centre-cropped.
     *
     * @param image not modified; {@code (channels, height, width)} values in {@code [0, 1]}
     * @param name  the photo's name, for messages
     * @return a new {@code (channels, outputSize)} image
     * @throws DataFormatException if the resized photo is smaller than the crop
     */
    public float[] apply(float[] image, int channels, int height, int width, String name) {
        int[] resized = resizedSize(height, width);
        if (cropHeight > resized[0] || cropWidth > resized[1]) {
            throw new DataFormatException(name + ": the photo is " + width + "x" + height
                    + (resize > 0 ? " (" + resized[1] + "x" + resized[0] + " after --resize " + resize + ")" : "")
                    + ", smaller than the " + cropWidth + "x" + cropHeight + " crop; give a larger photo, or --resize "
                    + Math.max(cropHeight, cropWidth) + " or more before the crop");
        }
        float[] scaled = resized[0] == height && resized[1] == width ? image.clone()
                : BilinearResize.resize(image, channels, height, width, resized[0], resized[1]);
        if (cropHeight == 0 || (cropHeight == resized[0] && cropWidth == resized[1])) {
            return scaled;
        }
        int[] offsets = cropOffsets(resized[0], resized[1]);
        float[] out = new float[channels * cropHeight * cropWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < cropHeight; y++) {
                System.arraycopy(scaled, (c * resized[0] + offsets[0] + y) * resized[1] + offsets[1], out,
                        (c * cropHeight + y) * cropWidth, cropWidth);
            }
        }
        return out;
    }

    /**
     * X for one decoded photo and a model that takes {@code (channels, height, width)} images: the photo as that many
     * channels ({@link Photo#asChannels}), resized and centre-cropped by {@link #apply}. The one way every command
     * and the page turn a photo into X.
     *
     * @return a new {@code (channels, height, width)} image
     * @throws DataFormatException naming the photo, if it is not {@code height x width} after this preprocessing (with
     *                             the options that make it so), or is smaller than the crop
     */
    public float[] input(Photo photo, int channels, int height, int width) {
        int[] size = outputSize(photo.height(), photo.width());
        if (size[0] != height || size[1] != width) {
            boolean untouched = resize == 0 && cropHeight == 0;
            throw new DataFormatException(photo.name() + ": the photo is " + photo.width() + "x" + photo.height()
                    + (untouched ? "" : " and " + size[1] + "x" + size[0] + " after resizing and cropping")
                    + " but the model takes " + width + "x" + height + (untouched
                    ? "; give --preprocess imagenet (resize 256, crop 224) or --resize N --crop " + height + "x" + width
                    : "; give --crop " + height + "x" + width));
        }
        return apply(photo.asChannels(channels), channels, photo.height(), photo.width(), photo.name());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing p && name.equals(p.name) && resize == p.resize && cropHeight == p.cropHeight
                && cropWidth == p.cropWidth && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {name.hashCode(), resize, cropHeight, cropWidth, Arrays.hashCode(mean),
                Arrays.hashCode(std)});
    }

    @Override
    public String toString() {
        return name + " (resize " + (resize == 0 ? "none" : resize) + ", crop "
                + (cropHeight == 0 ? "none" : cropHeight + "x" + cropWidth) + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + ")";
    }
}
