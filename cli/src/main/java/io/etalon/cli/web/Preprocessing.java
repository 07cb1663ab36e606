package io.etalon.cli.web;

/**
 * A stand-in for core's {@code io.etalon.data.Preprocessing} while it lands: the shorter side resized to
 * {@code resize}, then the centre {@code cropHeight x cropWidth}; {@code mean} and {@code std} are folded into the
 * network and only recorded here.
 */
public record Preprocessing(String name, int resize, int cropHeight, int cropWidth, float[] mean, float[] std) {

    /** No resize, no crop. */
    public static final Preprocessing NONE = new Preprocessing("none", 0, 0, 0, new float[0], new float[0]);

    /** torchvision's ImageNet models. */
    public static final Preprocessing IMAGENET = new Preprocessing("imagenet", 256, 224, 224,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
}
