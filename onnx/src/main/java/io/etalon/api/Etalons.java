package io.etalon.api;

import io.etalon.data.ClassNames;
import io.etalon.data.DataFormatException;
import io.etalon.data.Photo;
import io.etalon.data.PhotoReader;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.Cost;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.InputStages;
import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.onnx.ModelInput;
import io.etalon.onnx.OnnxModels;
import io.etalon.pattern.Census;
import io.etalon.region.Radius;
import io.etalon.region.RegionReport;
import io.etalon.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The front door: a model loaded for explaining, with how its inputs are made. Etalons of a ReLU network are exact:
 * for an input X and a neuron p, {@code NET(X)_p = <W_p, X> + b_p} holds inside X's linear region, and every answer
 * carries its residual.
 *
 * <pre>{@code
 * Etalons lenet = Etalons.load(Path.of("models/lenet-mnist.onnx"));         // 1x28x28 digits, values 0..1
 * ExplainedImage digit = lenet.explain(pixels, "output");                    // the 10 output etalons
 * Etalons squeezenet = Etalons.load(Path.of("models/squeezenet1_1.onnx"), Preprocessing.IMAGENET)
 *         .withClasses(Path.of("models/imagenet_classes.txt"));
 * ExplainedImage cat = squeezenet.explain(Path.of("data/photos/chelsea.png"), "top:3");
 * }</pre>
 *
 * <p><b>Inputs.</b> X is an image as the network sees it: {@code CxHxW} values in 0..1, row-major (for a photo: decoded,
 * resized and centre-cropped by the {@link Preprocessing}). The model's normalisation {@code (X - mean) / std} and its
 * layout (channels last, a flat input) are folded into the network as its first stages, so the etalons have X's shape
 * and {@code <W, X> + b} holds on X itself.
 *
 * <p><b>Neurons</b> are given as the command line's {@code --neuron} takes them: {@code output} (every output),
 * {@code top:K} (the K best classes of this input, best first), {@code predicted}, {@code LAYER} (every neuron of a
 * layer), {@code LAYER:INDEX} or {@code LAYER:C,H,W}. Ranked neurons are resolved after the forward pass, so a
 * 1,000-class model asked for {@code top:3} builds 3 etalons.
 *
 * <p><b>Cost.</b> One forward pass per input, then one transposed pass per requested neuron, batched (the automatic
 * method; a model with fewer input values than neurons asked for uses forward mode instead, one pass per input value):
 * LeNet's 10 outputs take about a millisecond, SqueezeNet's top 3 on a 224x224 photo a few hundred milliseconds
 * (measured 0.8 ms and 0.3 s on one thread of a shared 2-core machine, with the Vector API kernels, 2026-12-01).
 * Memory: 4 bytes per input value per requested neuron, plus the pattern. Requests whose etalons would not fit in a
 * quarter of the heap are refused before any work, with the command line's message.
 *
 * <p><b>Thread safety.</b> An {@code Etalons} is immutable (its {@code with...} methods return new ones) and so is the
 * network it holds; {@link #explain(float[], String...)} and the other methods keep their state on the calling thread,
 * so any number of threads may call one instance at once, and get the answers they would get one at a time.
 * {@link #explainAll} additionally runs its images on {@link #threads()} worker threads.
 *
 * <p><b>Errors.</b> Bad input throws an unchecked exception whose one-line message is the command line's:
 * {@link DataFormatException} (a wrong image size, non-finite pixels, an unreadable photo, bad class names),
 * {@link io.etalon.etalon.UnknownNeuronException} (a neuron spec the model does not have),
 * {@link io.etalon.onnx.ModelFormatException} and {@link io.etalon.onnx.UnsupportedOpException} (a model Etalon
 * cannot take, at load time), {@link IllegalArgumentException} for the rest (a request that does not fit in memory,
 * bad preprocessing values); files that cannot be read throw {@link IOException}. No result is half-built.
 */
public final class Etalons {

    /**
     * Decisions within this share of their layer's scale are reported as near-ties ({@link ExplainedImage#nearTies()}):
     * float64 or another engine may take them the other way (seen on 3 of 3 photos with SqueezeNet against PyTorch,
     * margins 2e-8 to 1e-7).
     */
    public static final double NEAR_TIE_THRESHOLD = 1e-5;

    /**
     * Models with at most this many outputs have all of them explained when no neurons are named; bigger ones their 5
     * best classes (an ImageNet model's 1,000 outputs would cost 1,000 transposed passes and 600 MB per photo).
     */
    public static final int ALL_OUTPUTS_UP_TO = 16;

    private final Network network;
    private final Preprocessing preprocessing;
    private final ClassNames classes;
    private final Method method;
    private final int threads;
    private final boolean nearTies;
    private final List<String> notes;
    private final Explainer explainer;

    private Etalons(Network network, Preprocessing preprocessing, ClassNames classes, Method method, int threads,
                    boolean nearTies, List<String> notes) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + threads);
        }
        if (classes != null && classes.size() != network.outputShape().size()) {
            throw new DataFormatException("class names: " + classes.size() + " names for a model of "
                    + network.outputShape().size() + " outputs; give one name per output, in output order");
        }
        Cost.checkMethod(method, network);
        this.network = network;
        this.preprocessing = preprocessing;
        this.classes = classes;
        this.method = method;
        this.threads = threads;
        this.nearTies = nearTies;
        this.notes = List.copyOf(notes);
        Explainer plain = new Explainer(network, method.solver(), threads);
        this.explainer = nearTies ? plain.reportingNearTies(NEAR_TIE_THRESHOLD) : plain;
    }

    /**
     * Loads an ONNX model with its inputs made as it states in its metadata, exactly as the command line makes them
     * when given no option ({@link ModelInput}): the pixel scale, mean and std of Windows ML's
     * {@code Image.NominalPixelRange} or of the keys {@code pixel_scale}, {@code mean} and {@code std} are folded into
     * the network, and photos are resized and cropped by its {@code preprocess}, {@code resize} and {@code crop}. A
     * model that states nothing (LeNet on MNIST digits, the shipped SqueezeNet) takes images as they are, values 0..1,
     * with no resize or crop ({@link Preprocessing#NONE}). What was taken from the metadata is in {@link #notes()}.
     * Cost: reading and checking the file, linear in its size.
     *
     * @param model an ONNX file
     * @return the model, ready to explain on all cores with the automatic method
     * @throws IOException                           if the file cannot be read
     * @throws io.etalon.onnx.ModelFormatException   if it is not a model Etalon can read (one line naming the problem)
     * @throws io.etalon.onnx.UnsupportedOpException if it has an op that is not piecewise linear (naming the node)
     * @throws IllegalArgumentException              if its metadata states an input Etalon cannot read (naming the key
     *                                               and the option that replaces it), or a mean or std of neither 1
     *                                               nor C values
     */
    public static Etalons load(Path model) throws IOException {
        return load(model, ModelInput.Choices.NONE);
    }

    /**
     * Loads an ONNX model with the photo preprocessing it was trained with, e.g. {@link Preprocessing#IMAGENET}, as the
     * command line's {@code --preprocess} does: photos are resized and cropped to X as {@code preprocessing} says,
     * whatever the model's metadata states, and its mean and std are folded into the network, so that etalons hold on X
     * (values 0..1). A preprocessing that states no mean and std ({@link Preprocessing#NONE}) leaves the normalisation
     * to the model's metadata; the pixel scale is always the metadata's, else 1 ({@link ModelInput}). A model whose
     * input is channels last or flat takes channels-first images all the same. Cost: reading and checking the file,
     * linear in its size.
     *
     * @param model         an ONNX file
     * @param preprocessing how photos become X, and the normalisation the model applies to X
     * @return the model, ready to explain on all cores with the automatic method
     * @throws IOException                           if the file cannot be read
     * @throws io.etalon.onnx.ModelFormatException   if it is not a model Etalon can read (one line naming the problem)
     * @throws io.etalon.onnx.UnsupportedOpException if it has an op that is not piecewise linear (naming the node)
     * @throws IllegalArgumentException              if the mean or std has neither 1 nor C values, or the model's
     *                                               metadata states a pixel scale Etalon cannot read
     */
    public static Etalons load(Path model, Preprocessing preprocessing) throws IOException {
        return load(model, ModelInput.Choices.of(preprocessing));
    }

    private static Etalons load(Path model, ModelInput.Choices choices) throws IOException {
        LoadedModel loaded = OnnxModels.load(model);
        ModelInput input = ModelInput.resolve(loaded.metadata(), choices);
        Shape image = InputStages.channelsFirst(loaded.network().inputShape(), null);
        int channels = image.rank() == 3 ? image.dim(0) : 1;
        Network network = input.fold(loaded.network(), channels, null);
        List<String> notes = new ArrayList<>(loaded.notes());
        notes.addAll(input.notes());
        return new Etalons(network, input.preprocessing(), null, Method.AUTO, Runtime.getRuntime().availableProcessors(),
                true, notes);
    }

    /**
     * A network already adapted to its images (as the command line adapts models with its options), explained with
     * {@code preprocessing} for photos. Cost: none; the network is shared, not copied.
     *
     * @param network       a network taking X itself (normalisation and layout folded in)
     * @param preprocessing how photos become X; its mean and std are recorded only, not applied again
     * @return the network, ready to explain on all cores with the automatic method, without class names
     */
    public static Etalons of(Network network, Preprocessing preprocessing) {
        return new Etalons(network, preprocessing, null, Method.AUTO, Runtime.getRuntime().availableProcessors(),
                true, List.of());
    }

    /**
     * This model with class names, one per line in output order (e.g. {@code models/imagenet_classes.txt}): answers
     * then name the class of each output neuron and of the prediction. Cost: reading the file.
     *
     * @param file a text file, one name per line
     * @return a new {@code Etalons}; this one is unchanged
     * @throws IOException         if the file cannot be read
     * @throws DataFormatException if it does not hold one name per output (naming the file and both counts)
     */
    public Etalons withClasses(Path file) throws IOException {
        return withClasses(ClassNames.read(file, network.outputShape().size()));
    }

    /**
     * This model with class names. Cost: none.
     *
     * @param names one per output, in output order; null for none
     * @return a new {@code Etalons}; this one is unchanged
     * @throws DataFormatException if there are not as many names as outputs
     */
    public Etalons withClasses(ClassNames names) {
        return new Etalons(network, preprocessing, names, method, threads, nearTies, notes);
    }

    /**
     * This model explained by another method: {@link Method#AUTO} (the default, the cheaper of the two below),
     * {@link Method#REVERSE} (one transposed pass per neuron), {@link Method#FORWARD} or {@link Method#COORDINATE} (one
     * pass per input value, the paper's Algorithm 1). All give the same etalons up to float round-off. Cost: none.
     *
     * @param solver the method
     * @return a new {@code Etalons}; this one is unchanged
     * @throws IllegalArgumentException for forward or coordinate on an input of more than {@link Cost#COORDINATE_LIMIT}
     *                                  values (hours), with the command line's message
     */
    public Etalons withMethod(Method solver) {
        return new Etalons(network, preprocessing, classes, solver, threads, nearTies, notes);
    }

    /**
     * This model with {@code count} worker threads for {@link #explainAll} and {@link #census} (default: all cores).
     * Single explanations run on the calling thread whatever the count. Cost: none; threads are started per call.
     *
     * @param count 1 to 1,024
     * @return a new {@code Etalons}; this one is unchanged
     * @throws IllegalArgumentException if {@code count} is outside 1..1024, with the command line's message
     */
    public Etalons withThreads(int count) {
        return new Etalons(network, preprocessing, classes, method, count, nearTies, notes);
    }

    /**
     * This model with or without the near-ties listed in each answer ({@link ExplainedImage#nearTies()}; on by default):
     * finding them scans every ReLU and pool decision of each image, about a tenth of an explanation's time on
     * SqueezeNet and more on small models such as LeNet, which a caller who does not read them saves. Cost: none.
     *
     * @param listed whether answers list their near-ties; without, {@link ExplainedImage#nearTies()} is empty
     * @return a new {@code Etalons}; this one is unchanged
     */
    public Etalons withNearTies(boolean listed) {
        return new Etalons(network, preprocessing, classes, method, threads, listed, notes);
    }

    /**
     * The network as explained. Cost: none.
     *
     * @return the network taking X, with the model's normalisation and layout folded in; immutable
     */
    public Network network() {
        return network;
    }

    /**
     * The shape of X. Cost: none.
     *
     * @return {@code CxHxW} for an image model, e.g. {@code 1x28x28} or {@code 3x224x224}
     */
    public Shape inputShape() {
        return network.inputShape();
    }

    /**
     * How photos become X. Cost: none.
     *
     * @return the resize, crop, and the mean and std recorded with X (already folded into {@link #network()})
     */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * The class names. Cost: none.
     *
     * @return the names given by {@link #withClasses}, or null when none were given
     */
    public ClassNames classes() {
        return classes;
    }

    /**
     * The method etalons are computed by. Cost: none.
     *
     * @return {@link Method#AUTO} unless {@link #withMethod} chose another
     */
    public Method method() {
        return method;
    }

    /**
     * The worker threads of {@link #explainAll} and {@link #census}. Cost: none.
     *
     * @return all cores unless {@link #withThreads} chose another count
     */
    public int threads() {
        return threads;
    }

    /**
     * What loading changed and read, for the user (the command line prints them as {@code etalon: note: ...}): a
     * trailing Softmax dropped, the input scale or preprocessing taken from the model's metadata. Cost: none.
     *
     * @return one line each, immutable; empty for {@link #of}
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * The neurons of {@code specs} on this model ({@code output}, {@code top:K}, {@code predicted}, {@code LAYER},
     * {@code LAYER:INDEX}, {@code LAYER:C,H,W}); with no specs, {@link #defaultNeurons(Network)}. Ranked specs
     * ({@code top:K}, {@code predicted}) are resolved per image when explaining. Cost: linear in the number of neurons
     * named.
     *
     * @param specs the command line's {@code --neuron} values
     * @return the selection, for {@link #explain(float[], NeuronSelection)} and {@link #explainAll}
     * @throws io.etalon.etalon.UnknownNeuronException naming the spec and the valid forms, for an unknown layer, an
     *                                                 index out of range or a bad rank
     */
    public NeuronSelection neurons(String... specs) {
        return NeuronSelection.parse(specs.length == 0 ? defaultNeurons(network) : List.of(specs), network);
    }

    /**
     * The neurons explained when none are named, as the command line's {@code --neuron} default. Cost: none.
     *
     * @param network any network
     * @return {@code output} for a model of up to {@link #ALL_OUTPUTS_UP_TO} outputs, else {@code top:5}
     */
    public static List<String> defaultNeurons(Network network) {
        return network.outputShape().size() <= ALL_OUTPUTS_UP_TO ? List.of("output") : List.of("top:5");
    }

    /**
     * X of a photo file (JPEG, PNG or BMP), as the model sees it: decoded upright, its channels made the model's
     * (colour to luminance, grey to RGB; see {@link Photo#asChannels}), resized and centre-cropped by
     * {@link #preprocessing()}. Cost: decoding, and one pass over the pixels per step.
     *
     * @param photo an image file
     * @return a new {@code CxHxW} array, values in 0..1
     * @throws IOException         if the file cannot be read
     * @throws DataFormatException if it is not a readable image, or not of the model's size after preprocessing (naming
     *                             the preprocessing that would make it so)
     */
    public float[] pixels(Path photo) throws IOException {
        return pixels(PhotoReader.read(photo));
    }

    /**
     * X of an image in memory, as {@link #pixels(Path)} makes it from a file (no EXIF orientation: the image is taken
     * as upright). Cost: one pass over the pixels per step.
     *
     * @param image not modified
     * @return a new {@code CxHxW} array, values in 0..1
     * @throws DataFormatException if it is not of the model's size after preprocessing
     */
    public float[] pixels(BufferedImage image) {
        return pixels(PhotoReader.fromImage(image, "image"));
    }

    /**
     * X of a decoded photo ({@link #pixels(Path)}). Cost: one pass over the pixels per step.
     *
     * @param photo not modified
     * @return a new {@code CxHxW} array, values in 0..1
     * @throws DataFormatException if the model does not take 1- or 3-channel images, or the photo is not of the model's
     *                             size after preprocessing
     */
    public float[] pixels(Photo photo) {
        Shape shape = network.inputShape();
        if (shape.rank() != 3 || (shape.dim(0) != 1 && shape.dim(0) != 3)) {
            throw new DataFormatException(photo.name() + ": the model takes images of shape " + shape + "; Etalon reads 1-"
                    + " or 3-channel images; give a model whose input is [1 or 3, H, W]");
        }
        return preprocessing.input(photo, shape.dim(0), shape.dim(1), shape.dim(2));
    }

    /**
     * Explains a photo file for the neurons of {@code specs} (none: {@link #defaultNeurons}): {@link #pixels(Path)},
     * then {@link #explain(float[], NeuronSelection)}, on the calling thread. Cost: theirs.
     *
     * @param photo an image file (JPEG, PNG or BMP)
     * @param specs e.g. {@code top:3}, {@code output} or {@code conv1:0,5,5}
     * @return the scores, the pattern and one etalon per neuron, each with its residual
     * @throws IOException                             if the file cannot be read
     * @throws DataFormatException                     if it is not a readable image or not of the model's size
     * @throws io.etalon.etalon.UnknownNeuronException for a spec the model does not have
     * @throws IllegalArgumentException                if the etalons asked for do not fit in a quarter of the heap
     */
    public ExplainedImage explain(Path photo, String... specs) throws IOException {
        NeuronSelection selection = neurons(specs);
        return explain(pixels(photo), selection);
    }

    /**
     * Explains an image in memory for the neurons of {@code specs} (none: {@link #defaultNeurons}):
     * {@link #pixels(BufferedImage)}, then {@link #explain(float[], NeuronSelection)}, on the calling thread. Cost:
     * theirs.
     *
     * @param image not modified
     * @param specs e.g. {@code top:3}, {@code output} or {@code conv1:0,5,5}
     * @return the scores, the pattern and one etalon per neuron, each with its residual
     * @throws DataFormatException                     if it is not of the model's size after preprocessing
     * @throws io.etalon.etalon.UnknownNeuronException for a spec the model does not have
     * @throws IllegalArgumentException                if the etalons asked for do not fit in a quarter of the heap
     */
    public ExplainedImage explain(BufferedImage image, String... specs) {
        NeuronSelection selection = neurons(specs);
        return explain(pixels(image), selection);
    }

    /**
     * Explains X for the neurons of {@code specs} (none: {@link #defaultNeurons}), on the calling thread
     * ({@link #explain(float[], NeuronSelection)}). Cost: its.
     *
     * @param pixels not modified; X, {@link #inputShape()} values in row-major order (0..1 for images)
     * @param specs  e.g. {@code top:3}, {@code output} or {@code conv1:0,5,5}
     * @return the scores, the pattern and one etalon per neuron, each with its residual
     * @throws DataFormatException                     if {@code pixels} is not of the model's size or not finite
     * @throws io.etalon.etalon.UnknownNeuronException for a spec the model does not have
     * @throws IllegalArgumentException                if the etalons asked for do not fit in a quarter of the heap
     */
    public ExplainedImage explain(float[] pixels, String... specs) {
        return explain(pixels, neurons(specs));
    }

    /**
     * Explains X for chosen neurons, on the calling thread. Cost: one forward pass and, with the automatic method, one
     * transposed pass per neuron (batched); memory 4 bytes per input value per neuron.
     *
     * @param pixels  not modified; X, {@link #inputShape()} values in row-major order
     * @param neurons from {@link #neurons(String...)}
     * @return the scores, the pattern and one etalon per neuron, each with its residual
     * @throws DataFormatException      if {@code pixels} is not of the model's size or not finite
     * @throws IllegalArgumentException if the etalons asked for do not fit in a quarter of the heap
     */
    public ExplainedImage explain(float[] pixels, NeuronSelection neurons) {
        checkPixels(pixels, 1);
        checkFits(1, neurons);
        float[] x = pixels.clone();
        return answer(x, explainer.explain(x, neurons));
    }

    /**
     * Explains {@code count} images stored back to back, on {@link #threads()} worker threads; the answers do not
     * depend on the thread count. Cost: {@code count} times {@link #explain(float[], NeuronSelection)}'s; all the
     * answers are held at once, so callers with many big images explain them a batch at a time.
     *
     * @param images   not modified; {@code count} images of {@link #inputShape()}, row-major, back to back
     * @param count    how many images
     * @param neurons  from {@link #neurons(String...)}; ranked ones are resolved per image
     * @param progress called once per finished image with the number finished so far (from worker threads)
     * @return one answer per image, in order
     * @throws DataFormatException      if {@code images} does not hold {@code count} images or is not finite
     * @throws IllegalArgumentException if one image's etalons do not fit in a quarter of the heap
     */
    public List<ExplainedImage> explainAll(float[] images, int count, NeuronSelection neurons, IntConsumer progress) {
        checkPixels(images, count);
        checkFits(1, neurons);
        Explanation[] explanations = explainer.explainAll(images, count, neurons, progress);
        int size = network.inputShape().size();
        List<ExplainedImage> answers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            answers.add(answer(Arrays.copyOfRange(images, i * size, (i + 1) * size), explanations[i]));
            explanations[i] = null; // its etalons are copied into the answer: hold one of the two at a time
        }
        return answers;
    }

    /**
     * The exact linear region of X: the largest L2 and L-infinity balls around X inside it, the decision that flips
     * first, the tied faces X sits on. Cost: forward mode over every input value, {@link Radius#floatsNeeded} floats
     * (quadratic in the input: 0.1 GB for LeNet); photo-size models are refused.
     *
     * @param pixels not modified; X, {@link #inputShape()} values in row-major order
     * @return the radii, the first decision to flip and the tied faces, by L2 and L-infinity
     * @throws DataFormatException      if {@code pixels} is not of the model's size or not finite
     * @throws IllegalArgumentException if the region's gradients do not fit in half the heap (the command line's message)
     */
    public RegionReport region(float[] pixels) {
        checkPixels(pixels, 1);
        Cost.checkRegion(network, Runtime.getRuntime().maxMemory());
        return Radius.of(network, pixels.clone());
    }

    /**
     * The census of {@code count} images: how many distinct activation patterns (linear regions) they fall in, per layer
     * and whole, and how many distinct sets of output etalons they use (on a model of more than
     * {@link #ALL_OUTPUTS_UP_TO} outputs, sets of the etalons of each image's 5 best classes, as {@code etalon census}
     * counts photos). Cost: {@code count} forward passes and their etalons, on {@link #threads()} threads, 64 images
     * at a time at most; memory a few fingerprints per image.
     *
     * @param images not modified; {@code count} images of {@link #inputShape()}, back to back
     * @param count  how many images
     * @return a new census, which the caller owns (it may {@link Census#add} more)
     * @throws DataFormatException      if {@code images} does not hold {@code count} images or is not finite
     * @throws IllegalArgumentException if one image's etalons do not fit in a quarter of the heap
     */
    public Census census(float[] images, int count) {
        return census(images, count, done -> { });
    }

    /**
     * {@link #census(float[], int)}, telling {@code progress} the number of images finished so far, from worker
     * threads (for a progress bar).
     *
     * @param images   not modified; {@code count} images of {@link #inputShape()}, back to back
     * @param count    how many images
     * @param progress called once per finished image with the number finished so far (from worker threads)
     * @return a new census, which the caller owns
     * @throws DataFormatException      if {@code images} does not hold {@code count} images or is not finite
     * @throws IllegalArgumentException if one image's etalons do not fit in a quarter of the heap
     */
    public Census census(float[] images, int count, IntConsumer progress) {
        checkPixels(images, count);
        // a census reads no near-ties: it does not look for them
        Explainer counter = new Explainer(network, method.solver(), threads);
        List<String> specs = defaultNeurons(network);
        NeuronSelection outputs = NeuronSelection.parse(specs, network);
        Census census = null;
        int size = network.inputShape().size();
        int batch = Cost.imagesInFlight(64, outputs.count(), network, "the census's " + String.join(" ", specs));
        for (int first = 0; first < count; first += batch) {
            int n = Math.min(batch, count - first);
            int done = first;
            float[] part = Arrays.copyOfRange(images, first * size, (first + n) * size);
            for (Explanation explanation : counter.explainAll(part, n, outputs, finished -> progress.accept(done + finished))) {
                if (census == null) {
                    census = new Census(explanation.pattern().layers());
                }
                census.add(explanation.pattern(), explanation.etalonFingerprint());
            }
        }
        return census != null ? census : new Census(network.forward(new float[size], 1).pattern(0).layers());
    }

    private ExplainedImage answer(float[] x, Explanation explanation) {
        List<ExplainedNeuron> neurons = new ArrayList<>(explanation.etalons().size());
        for (Etalon etalon : explanation.etalons()) {
            Neuron neuron = etalon.neuron();
            String className = classes != null && neuron.node() == network.outputIndex() ? classes.name(neuron.index()) : null;
            neurons.add(new ExplainedNeuron(neuron.id(), neuron.layer(), neuron.index(),
                    network.shapeOf(neuron.node()).coordinates(neuron.index()), className, etalon.score(), etalon.bias(),
                    etalon.residual(), etalon.relativeResidual(), etalon.shape(), etalon.weights()));
        }
        return new ExplainedImage(x, network.inputShape(), explanation.scores(), explanation.predicted(),
                classes == null ? null : classes.name(explanation.predicted()), neurons, explanation.pattern(),
                explanation.nearTies());
    }

    private void checkPixels(float[] pixels, int count) {
        Shape shape = network.inputShape();
        if (count < 0 || pixels.length != (long) count * shape.size()) {
            throw new DataFormatException("pixels: " + pixels.length + " values given, but " + count + " image(s) of the"
                    + " model's input " + shape + " are " + (long) count * shape.size() + "; give images of the model's"
                    + " input size, row-major");
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                throw new DataFormatException("pixel " + i + " is " + pixels[i] + "; pixels must be finite numbers");
            }
        }
    }

    private void checkFits(int images, NeuronSelection neurons) {
        Cost.imagesInFlight(images, neurons.count(), network, "--neuron (" + neurons.count() + " neurons)");
    }
}
