package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.pattern.Census;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How many linear regions (etalon subgraphs) a model uses over a data set, streamed in chunks. */
@Command(name = "census", mixinStandardHelpOptions = true,
        description = "Count the distinct activation patterns and output etalons a model uses over a data set.")
final class CensusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "The ONNX model (default: the shipped LeNet).")
    Path model;

    @Option(names = "--data", description = "Folder with {train,test}-images-idx3-ubyte.gz (default: the shipped MNIST), or a"
            + " folder of photos (JPEG, PNG, BMP; see --preprocess, --resize and --crop).")
    Path data;

    @picocli.CommandLine.Mixin
    InputOptions input;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--out", description = "Write the census as JSON here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file = model == null ? Home.existing(Home.model(), "shipped model") : model;
        if (data != null && java.nio.file.Files.isDirectory(data) && !java.nio.file.Files.exists(Home.trainImages(data))
                && !java.nio.file.Files.exists(Home.testImages(data))) {
            return photoCensus(file);
        }
        Network network = Models.load(file, spec.commandLine().getErr());
        Path folder = data == null ? Home.mnist() : data;
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        // the library's front door, as a Java program would use it: one way to explain an image
        Etalons etalons = Etalons.of(network, Preprocessing.NONE).withThreads(workers).withNearTies(false);
        Census train = census(etalons, Home.existing(Home.trainImages(folder), "training images"));
        Census test = census(etalons, Home.existing(Home.testImages(folder), "test images"));
        int shared = test.inputsInRegionsOf(train);
        PrintWriter stdout = spec.commandLine().getOut();
        print(stdout, "training", train);
        print(stdout, "test", test);
        stdout.printf("test inputs in a region some training input also falls in: %d of %d%n", shared, test.inputs());
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", file.toString());
            json.put("train", summary(train));
            json.put("test", summary(test));
            json.put("testSharingARegionWithTraining", shared);
            Json.write(out, json);
            stdout.printf("wrote %s%n", out.toAbsolutePath().normalize());
        }
        return 0;
    }

    /** The census of the photos in {@code --data}, one set, preprocessed for the model. */
    private int photoCensus(Path file) throws java.io.IOException {
        PrintWriter err = spec.commandLine().getErr();
        Network network = input.loadForPhotos(file, err);
        ImageSet photos = Inputs.photos(List.of(data), network, input.preprocessing(), err).images();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        // a 1,000-class model's output etalons would cost 1,000 transposed passes and 600 MB per photo: the library's
        // census of a big model counts the sets of etalons of each photo's 5 best classes instead, and this says so
        List<String> specs = DefaultNeurons.orDefault(null, network);
        Etalons etalons = Etalons.of(network, input.preprocessing()).withThreads(workers);
        Census census;
        try (Progress progress = new Progress("census " + data.getFileName(), photos.count())) {
            census = etalons.census(photos.pixels(), photos.count(), progress::stepTo);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        print(stdout, "photos", census);
        if (!specs.equals(List.of("output"))) {
            stdout.printf("  (sets of etalons of %s per photo, not of all %,d outputs)%n", String.join(" ", specs),
                    network.outputShape().size());
        }
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", file.toString());
            json.put("photos", data.toString());
            json.put("preprocessing", input.preprocessing().toString());
            json.put("etalonsOf", specs);
            json.put("census", summary(census));
            Json.write(out, json);
            stdout.printf("wrote %s%n", out.toAbsolutePath().normalize());
        }
        return 0;
    }

    /** The census of the images of an IDX file, streamed in chunks ({@link #census(Etalons, Path, int)}). */
    static Census census(Etalons etalons, Path images) throws java.io.IOException {
        return census(etalons, images, Integer.MAX_VALUE);
    }

    /**
     * The census of the first {@code limit} images of an IDX file, streamed in chunks: the distinct activation patterns
     * and sets of all output etalons. Inputs in a region of another census: {@link Census#inputsInRegionsOf}.
     */
    static Census census(Etalons etalons, Path images, int limit) throws java.io.IOException {
        Network network = etalons.network();
        NeuronSelection outputs = etalons.neurons("output");
        try (Idx.ImageStream stream = Idx.streamImages(images)) {
            Inputs.checkFits(stream.shape(), images.toString(), network);
            Census census = null;
            int chunk = 256;
            int count = Math.min(limit, stream.count());
            try (Progress progress = new Progress("census " + images.getFileName(), count)) {
                for (int first = 0; first < count; first += chunk) {
                    int[] indices = java.util.stream.IntStream.range(first, Math.min(count, first + chunk)).toArray();
                    ImageSet set = stream.read(indices);
                    int done = first;
                    for (ExplainedImage answer : etalons.explainAll(set.pixels(), set.count(), outputs,
                            finished -> progress.stepTo(done + finished))) {
                        if (census == null) {
                            census = new Census(answer.pattern().layers());
                        }
                        census.add(answer.pattern(), answer.etalonFingerprint());
                    }
                }
            }
            return census;
        }
    }

    private static void print(PrintWriter out, String name, Census census) {
        Map<Integer, Integer> groups = census.groupSizes();
        int largest = groups.isEmpty() ? 0 : ((java.util.TreeMap<Integer, Integer>) groups).lastKey();
        out.printf("%s: %d inputs fall in %d distinct linear regions and use %d distinct sets of output etalons; "
                        + "%d regions hold one input, the largest holds %d%n", name, census.inputs(), census.distinctPatterns(),
                census.distinctEtalons(), groups.getOrDefault(1, 0), largest);
        out.printf("  distinct patterns per layer: %s%n", census.distinctPerLayer());
    }

    static Map<String, Object> summary(Census census) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputs", census.inputs());
        json.put("distinctPatterns", census.distinctPatterns());
        json.put("distinctOutputEtalons", census.distinctEtalons());
        json.put("distinctPerLayer", census.distinctPerLayer());
        json.put("groupSizes", census.groupSizes());
        json.put("growth", census.growth());
        return json;
    }
}
