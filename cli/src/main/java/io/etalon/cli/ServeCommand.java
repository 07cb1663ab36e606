package io.etalon.cli;

import io.etalon.cli.web.EtalonApi;
import io.etalon.cli.web.EtalonServer;
import io.etalon.data.ClassNames;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Serves the page, on this machine only unless asked: for a small grey model (LeNet) the user draws a digit and
 * watches its etalons; for a colour model the user gives a photo and sees its best classes and their heat maps.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a local web page: draw a digit, or give a photo to a colour model, and see its etalons"
                + " (and a JSON API).")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "The ONNX model (default: the shipped LeNet).")
    Path model;

    @picocli.CommandLine.Mixin
    InputOptions input;

    @Option(names = "--classes", description = "Class names, one per line in output order (e.g. models/imagenet_classes.txt).")
    Path classes;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--threads", defaultValue = "4", description = "Request threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        Path file = model == null ? Home.existing(Home.model(), "shipped model") : model;
        EtalonApi api = api(file);
        Network network = api.network();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        try (EtalonServer server = new EtalonServer(api, samples(network), host, port, Arguments.threads(threads))) {
            spec.commandLine().getOut().printf("Etalon is serving %s on http://%s:%d/ (Ctrl-C stops it)%n",
                    file.getFileName(), host.contains(":") ? "[" + host + "]" : host, server.port());
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --port");
        }
        return 0;
    }

    /**
     * The API of the model in {@code file}, its page chosen by its input: colour stays colour, so a three-channel model
     * gets the photo page, a small grey one the drawing pad; photos are read and preprocessed as {@code explain --image}
     * does it, and the class names are checked against the model's outputs.
     */
    EtalonApi api(Path file) throws java.io.IOException {
        java.io.PrintWriter err = spec.commandLine().getErr();
        Network network = input.loadForPhotos(file, err);
        EtalonApi.Mode mode = EtalonApi.Mode.of(network.inputShape());
        ClassNames names = classes == null ? null : ClassNames.read(classes, network.outputShape().size());
        Preprocessing preprocessing = mode == EtalonApi.Mode.PHOTO ? input.preprocessing() : null;
        if (preprocessing != null && preprocessing.resize() == 0 && preprocessing.cropHeight() == 0) {
            err.printf("etalon: note: photos are not resized or cropped, so the page takes only %dx%d photos;"
                    + " torchvision's ImageNet models want --preprocess imagenet%n", network.inputShape().dim(2),
                    network.inputShape().dim(1));
        }
        return new EtalonApi(network, file.getFileName().toString(), names, preprocessing);
    }

    /** One held-out digit per class from the shipped data, when it fits the model. */
    static Map<String, Object> samples(Network network) {
        Map<String, Object> samples = new LinkedHashMap<>();
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Path data = Home.mnist();
        try {
            if (Files.exists(Home.testImages(data)) && Files.exists(Home.testLabels(data))) {
                ImageSet test = Idx.readImages(Home.testImages(data));
                int[] all = Idx.readLabels(Home.testLabels(data));
                if (test.shape().equals(network.inputShape())) {
                    for (int index : Figure.firstOfEachClass(all, 10)) {
                        images.add(test.image(index));
                        labels.add(all[index]);
                    }
                }
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            images.clear();
            labels.clear();
        }
        samples.put("images", images);
        samples.put("labels", labels);
        return samples;
    }
}
