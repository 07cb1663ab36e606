package io.etalon.cli;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
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
        Explainer explainer = new Explainer(network, Method.AUTO.solver(), workers);
        List<Neuron> outputs = Neuron.parse("output", network);
        Census train = census(explainer, outputs, Home.existing(Home.trainImages(folder), "training images"), null);
        int[] shared = new int[1];
        Census test = census(explainer, outputs, Home.existing(Home.testImages(folder), "test images"), fingerprint -> {
            if (train.contains(fingerprint)) {
                shared[0]++;
            }
        });
        PrintWriter stdout = spec.commandLine().getOut();
        print(stdout, "training", train);
        print(stdout, "test", test);
        stdout.printf("test inputs in a region some training input also falls in: %d of %d%n", shared[0], test.inputs());
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", file.toString());
            json.put("train", summary(train));
            json.put("test", summary(test));
            json.put("testSharingARegionWithTraining", shared[0]);
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
        Explainer explainer = new Explainer(network, Method.AUTO.solver(), workers);
        // a 1,000-class model's output etalons would cost 1,000 transposed passes and 600 MB per photo: the census of
        // a big model counts the sets of etalons of each photo's 5 best classes instead, and says so
        List<String> specs = DefaultNeurons.orDefault(null, network);
        NeuronSelection outputs = NeuronSelection.parse(specs, network);
        Census census = null;
        int chunk = Scale.imagesInFlight(64, outputs.count(), network, "the census's " + String.join(" ", specs));
        try (Progress progress = new Progress("census " + data.getFileName(), photos.count())) {
            for (int first = 0; first < photos.count(); first += chunk) {
                ImageSet part = photos.select(java.util.stream.IntStream.range(first, Math.min(photos.count(), first + chunk))
                        .toArray());
                int done = first;
                for (Explanation explanation : explainer.explainAll(part.pixels(), part.count(), outputs,
                        finished -> progress.stepTo(done + finished))) {
                    if (census == null) {
                        census = new Census(explanation.pattern().layers());
                    }
                    census.add(explanation.pattern(), explanation.etalonFingerprint());
                }
            }
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

    static Census census(Explainer explainer, List<Neuron> outputs, Path images, java.util.function.LongConsumer onEach)
            throws java.io.IOException {
        return census(explainer, outputs, images, Integer.MAX_VALUE, onEach);
    }

    /** The census of the first {@code limit} images of an IDX file, streamed in chunks. */
    static Census census(Explainer explainer, List<Neuron> outputs, Path images, int limit,
                         java.util.function.LongConsumer onEach) throws java.io.IOException {
        Network network = explainer.network();
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
                    Explanation[] explanations = explainer.explainAll(set.pixels(), set.count(), outputs,
                            finished -> progress.stepTo(done + finished));
                    for (Explanation explanation : explanations) {
                        if (census == null) {
                            census = new Census(explanation.pattern().layers());
                        }
                        if (onEach != null) {
                            onEach.accept(Census.wholeFingerprint(explanation.pattern()));
                        }
                        census.add(explanation.pattern(), explanation.etalonFingerprint());
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
