/**
 * Etalon as a library: one front door, {@link io.etalon.api.Etalons}. Load an ONNX model (its input scale and photo
 * preprocessing as its metadata states them, or as you give them), then explain photos, in-memory images or pixel
 * arrays; every answer is an immutable
 * {@link io.etalon.api.ExplainedImage} holding, per requested neuron, an {@link io.etalon.api.ExplainedNeuron}: the
 * etalon image {@code W} with {@code NET(X) = <W, X> + b} inside X's linear region, its bias, the score and the
 * exactness residual.
 *
 * <pre>{@code
 * Etalons squeezenet = Etalons.load(Path.of("models/squeezenet1_1.onnx"), Preprocessing.IMAGENET)
 *         .withClasses(Path.of("models/imagenet_classes.txt"));
 * ExplainedImage cat = squeezenet.explain(Path.of("data/photos/chelsea.png"), "top:3");
 * }</pre>
 *
 * <p>The command line ({@code etalon explain}, {@code figure}, {@code census}, {@code demo}, {@code study}) and the web
 * page's API ({@code etalon serve}) go through the same class, so there is one way to explain an image. Bad input is refused with the typed
 * exceptions and one-line messages the command line prints: {@link io.etalon.data.DataFormatException},
 * {@link io.etalon.etalon.UnknownNeuronException}, {@link io.etalon.onnx.ModelFormatException},
 * {@link io.etalon.onnx.UnsupportedOpException} (all {@link java.lang.IllegalArgumentException}s), and
 * {@link java.io.IOException} for files that cannot be read. Everything under {@code io.etalon} outside this package
 * is the engine: public so that the modules can share it, but free to change.
 */
package io.etalon.api;
