package io.etalon.op;

/**
 * Where ONNX's Resize samples the input for output index y: its coordinate transformations, shared by the bilinear op
 * and by the check that a nearest resize copies whole blocks. n is the input size and s the scale; the output size
 * that {@code align_corners} and {@code pytorch_half_pixel} use is {@code s n}, fractions included, as ONNX has it.
 */
public final class ResizeCoordinates {

    private ResizeCoordinates() {
    }

    /**
     * @param transform half_pixel, pytorch_half_pixel, align_corners, asymmetric or tf_half_pixel_for_nn
     * @throws IllegalArgumentException for any other transformation
     */
    public static double source(String transform, int y, int n, double s) {
        double m = s * n;
        return switch (transform) {
            case "half_pixel" -> (y + 0.5) / s - 0.5;
            case "pytorch_half_pixel" -> m > 1 ? (y + 0.5) / s - 0.5 : 0;
            case "align_corners" -> m == 1 ? 0 : y * (n - 1.0) / (m - 1.0);
            case "asymmetric" -> y / s;
            case "tf_half_pixel_for_nn" -> (y + 0.5) / s;
            default -> throw new IllegalArgumentException("unknown coordinate transformation " + transform);
        };
    }
}
