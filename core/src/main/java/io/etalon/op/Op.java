package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * A piecewise-linear operation of a network, with its input shapes fixed at construction.
 *
 * <p>Every op implements the four views of DESIGN.md section 2 side by side:
 * <ul>
 *   <li>{@link #record}: the op's <em>switches</em> for a batch (ReLU on/off, max-pool winner); affine ops have none;</li>
 *   <li>{@link #linear}: the frozen linear part, without bias, applied to a batch of tangents (JVP);</li>
 *   <li>{@link #transpose}: the adjoint of {@code linear} (VJP); it <em>accumulates</em> into the input gradients;</li>
 *   <li>{@link #accumulateGradients}: parameter gradients, for training.</li>
 * </ul>
 * The value of the op is {@code forward = record, then linear, then addBias}: the same frozen map the etalon
 * solvers use, so forward and the frozen pass cannot disagree.
 *
 * <p>Batches: arrays hold {@code rows} samples back to back, each of its shape's size. In {@code linear} and
 * {@code transpose}, row {@code r} uses the switches of sample {@code r / rowsPerSample}: training passes 1
 * (one row per sample); an etalon solver passes the number of tangents per image.
 */
public sealed interface Op permits Conv2d, ConvTranspose2d, Dense, Relu, MaxPool2d, Flatten, ChannelAffine, AvgPool2d, PiecewiseLinear,
        Add, Pad, Reshape, Transpose, Concat, Upsample2d, Bilinear2d, Extremum {

    /** The op's kind as a word, e.g. {@code Conv2d}. */
    String kind();

    /** Shapes of one sample of each input. */
    List<Shape> inputShapes();

    /** Shape of one sample of the output. */
    Shape outputShape();

    /** Number of switch states per sample: output size for ReLU and max-pool, 0 for affine ops. */
    default int switchesPerSample() {
        return 0;
    }

    /**
     * Records the switches of {@code n} samples.
     *
     * @param inputs   not modified; each {@code (n, inputSize)}
     * @param switches modified: states, ties and margins of samples {@code 0..n-1}
     */
    default void record(float[][] inputs, int n, Switches switches) {
    }

    /**
     * Applies the frozen linear part (no bias): {@code out = J * in} for each row.
     *
     * @param inputs not modified; each {@code (rows, inputSize)}
     * @param out    modified (overwritten); {@code (rows, outputSize)}
     */
    void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample);

    /**
     * The value alone, without keeping the switches: what plain inference needs. The same floats as {@code record},
     * {@code linear} and {@code addBias} in turn, which is the default; ops whose switches cost time to keep override it.
     *
     * @param out {@code (n, outputSize)}, overwritten
     */
    default void infer(float[][] inputs, float[] out, int n) {
        forward(inputs, out, n, new Switches(n, switchesPerSample()));
    }

    /**
     * The forward pass of {@code n} samples: their switches recorded and their value written, the floats of
     * {@code record}, {@code linear} and {@code addBias} in turn, which is the default; ops that find the value more
     * cheaply from the input than through the frozen map override it.
     *
     * @param out      {@code (n, outputSize)}, overwritten
     * @param switches modified: states, ties and margins of samples {@code 0..n-1}
     */
    default void forward(float[][] inputs, float[] out, int n, Switches switches) {
        record(inputs, n, switches);
        linear(inputs, out, n, switches, 1);
        addBias(out, n, switches, 1);
    }

    /**
     * Adds the constant part of the frozen map to each of {@code rows} outputs: the bias of affine ops, the clamp
     * value of a clipped unit; {@code out} is modified. No-op for ops without one.
     */
    default void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
    }

    /**
     * Applies the adjoint: {@code gradInputs[k] += J_k^T * gradOut} for each row.
     *
     * @param gradOut    not modified; {@code (rows, outputSize)}
     * @param gradInputs modified (accumulated); each {@code (rows, inputSize)}, or {@code null} to skip that input
     */
    void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample);

    /**
     * Adds, for each row, {@code <gradOut_row, bias>} (the bias broadcast to the output shape): summed over the
     * ops of a transposed pass this is the bias b_p of the region's affine map, with no extra forward pass. Also adds
     * {@code sum_i |gradOut_row,i * bias_i|}, the scale against which the bias's round-off is judged.
     *
     * @param gradOut      not modified; {@code (rows, outputSize)}
     * @param contribution modified (accumulated); one value per row
     * @param magnitude    modified (accumulated); one value per row
     */
    default void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                            double[] contribution, double[] magnitude) {
    }

    /** The op's parameters (copies), weights first; empty for ops without parameters. */
    default List<Tensor> parameters() {
        return List.of();
    }

    /** The same op with other parameters of the same shapes. */
    default Op withParameters(List<Tensor> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException(kind() + " has no parameters");
        }
        return this;
    }

    /**
     * Accumulates parameter gradients of {@code n} samples.
     *
     * @param inputs     not modified; the op's inputs in the forward pass
     * @param gradOut    not modified; {@code (n, outputSize)}
     * @param gradParams modified (accumulated); one array per {@link #parameters()} entry
     */
    default void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
    }

    /** The same op with its bias set to zero (Algorithm 1 of the paper); ops without bias return themselves. */
    default Op withoutBias() {
        return this;
    }

    /** Receives one near-tied decision of {@link #nearTies}. */
    @FunctionalInterface
    interface NearTieSink {
        /**
         * @param unit   the switch's flat index in the op's output
         * @param state  its recorded state
         * @param rival  the state it takes on the other side of the decision (ReLU: the other one; Clip: the
         *               region beyond the nearer bound; max-pool: the flat input index of the best other value)
         * @param margin how far the deciding values are apart: |pre-activation|, the distance to the nearer bound, or
         *               the winner's lead over the rival
         */
        void accept(int unit, int state, int rival, float margin);
    }

    /**
     * Lists one sample's decisions that float round-off could turn: those whose margin is positive and at most
     * {@code limit}. Exact ties (margin 0) are not listed: the pattern counts them and the tie rule decides them the
     * same way in every engine that follows it. No-op for ops without switches.
     *
     * @param inputs   not modified; the op's inputs in the forward pass, each {@code (n, inputSize)}
     * @param switches not modified; the states recorded (or forced) for the sample
     */
    default void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
    }

    /**
     * Whether unit {@code unit}'s switch can take {@code state}: 0 or 1 for a ReLU, a region for a Clip, an input
     * inside the unit's window for a max-pool. False for ops without switches.
     */
    default boolean admits(int unit, int state) {
        return false;
    }

    /** True for ops whose value depends on switches (ReLU, max-pool); false for affine ops. */
    default boolean hasSwitches() {
        return switchesPerSample() > 0;
    }

    /** A one-line description of the op's settings, for {@code etalon inspect}. */
    String describe();
}
