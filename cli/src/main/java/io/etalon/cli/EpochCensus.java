package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import io.etalon.pattern.Census;
import io.etalon.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The census across training: for each checkpoint {@code epoch-NN.onnx} that {@code etalon train --checkpoints DIR}
 * wrote, the number of distinct linear regions and output etalons among the training inputs, how many held-out inputs
 * share a training region, and held-out accuracy.
 */
final class EpochCensus {

    private EpochCensus() {
    }

    /** The checkpoints of a folder, in epoch order. */
    static List<Path> checkpoints(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new java.nio.file.NoSuchFileException(folder + ": checkpoint folder not found; make one with "
                    + "etalon train --checkpoints DIR");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(file -> file.getFileName().toString().matches("epoch-\\d+\\.onnx")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(folder + " has no epoch-NN.onnx files; make them with etalon train --checkpoints DIR");
        }
        return files;
    }

    /** One row per checkpoint. */
    static List<Map<String, Object>> measure(List<Path> checkpoints, Path data, int threads, PrintWriter err)
            throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path checkpoint : checkpoints) {
            Network network = Models.load(checkpoint, err);
            Etalons etalons = Etalons.of(network, Preprocessing.NONE).withThreads(threads).withNearTies(false);
            Census train = CensusCommand.census(etalons, Home.existing(Home.trainImages(data), "training images"));
            int shared = CensusCommand.census(etalons, Home.testImages(data)).inputsInRegionsOf(train);
            ImageSet test = Inputs.idx(Home.testImages(data), network);
            int[] labels = Inputs.labels(Home.existing(Home.testLabels(data), "held-out labels"), test.count());
            Map<String, Object> row = new LinkedHashMap<>();
            String name = checkpoint.getFileName().toString();
            row.put("epoch", Integer.parseInt(name.substring("epoch-".length(), name.length() - ".onnx".length())));
            row.put("checkpoint", checkpoint.toString());
            row.put("testAccuracy", Trainer.accuracy(network, test.pixels(), labels, threads));
            row.put("trainInputs", train.inputs());
            row.put("distinctRegions", train.distinctPatterns());
            row.put("distinctOutputEtalons", train.distinctEtalons());
            row.put("distinctPerLayer", train.distinctPerLayer());
            row.put("testSharingARegionWithTraining", shared);
            rows.add(row);
        }
        return rows;
    }
}
