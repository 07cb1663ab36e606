package io.etalon.cli;

import io.etalon.data.ImageSet;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Method;
import io.etalon.graph.Network;
import io.etalon.render.Palette;
import io.etalon.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Reproduces the paper's Figure 11 on the shipped LeNet and held-out MNIST digits. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Reproduce the paper's Figure 11 on the shipped LeNet and held-out MNIST digits.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "etalon-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        var stdout = spec.commandLine().getOut();
        Path modelFile = Home.existing(Home.model(), "shipped model");
        Network network = Models.load(modelFile, spec.commandLine().getErr());
        ImageSet images = Inputs.idx(Home.testImages(Home.mnist()), network);
        int[] labels = Inputs.labels(Home.testLabels(Home.mnist()), images.count());
        double accuracy = Trainer.accuracy(network, images.pixels(), labels, workers);
        stdout.printf("model     %s (%s, %d parameters)%n", modelFile, network.inputShape(), network.parameterCount());
        stdout.printf("accuracy  %.2f%% on %d held-out digits%n", 100 * accuracy, labels.length);

        int[] rows = Figure.firstOfEachClass(labels, network.outputShape().size());
        Explainer explainer = new Explainer(network, Method.AUTO.solver(), workers);
        Figure.Result figure = Figure.draw(explainer, images, labels, rows, Palette.GREY, 4,
                "Etalon images of LeNet on MNIST: rows = held-out digits, columns = output neurons 0-9 (white = attention, black = ignoring)");
        Path png = out.resolve("figure11.png");
        Path json = out.resolve("figure11.json");
        io.etalon.render.Images.writePng(figure.image(), png);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", modelFile.toString());
        summary.put("testAccuracy", accuracy);
        summary.put("method", "auto");
        summary.put("maxRelativeResidual", figure.maxRelativeResidual());
        summary.put("rows", figure.rows());
        Json.write(json, summary);
        stdout.printf("etalons   %d inputs x %d output neurons, max relative residual %.2g%n", rows.length,
                network.outputShape().size(), figure.maxRelativeResidual());
        stdout.printf("figure    %s%n", png.toAbsolutePath().normalize());
        stdout.printf("summary   %s%n", json.toAbsolutePath().normalize());
        stdout.printf("time      %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
