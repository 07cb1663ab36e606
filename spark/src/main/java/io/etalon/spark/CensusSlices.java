package io.etalon.spark;

import io.etalon.pattern.Census;
import io.etalon.pattern.CensusCounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Counts the census of a table of images ({@link PatternRows}) without gathering it on one machine. Each partition
 * builds the census of its rows with core's {@link Census}, one per split, and cuts it into slices by fingerprint;
 * the shuffle brings slice k of every partition together, where they merge into slice k of the whole census; only
 * the counts of each slice come back to the driver, and they add up ({@link CensusCounts#plus}). Because the parts
 * are numbered as in the whole, the result equals the census of one machine reading the images in order, and a
 * retried task only recomputes the same part.
 */
final class CensusSlices {

    private CensusSlices() {
    }

    /**
     * The census of each split and how many inputs of {@code testSplit} fall in a region of {@code trainSplit}.
     *
     * @param images    rows of {@link PatternRows#SCHEMA}
     * @param layers    the network's layers with switches
     * @param testSplit split whose inputs are checked against the regions of {@code trainSplit}, or null
     */
    static Result count(Dataset<Row> images, List<String> layers, int slices, String trainSplit, String testSplit) {
        List<String> names = List.copyOf(layers);
        SliceCounts total = images.select("split", "index", "layerPatterns", "outputEtalons").javaRDD()
                .mapPartitionsToPair(rows -> {
                    Map<String, Census> parts = new LinkedHashMap<>();
                    while (rows.hasNext()) {
                        Row row = rows.next();
                        List<Long> prints = row.getList(2);
                        long[] layerPrints = prints.stream().mapToLong(Long::longValue).toArray();
                        parts.computeIfAbsent(row.getString(0), split -> new Census(names))
                                .add(row.getInt(1), layerPrints, row.getLong(3));
                    }
                    List<Tuple2<Integer, Tuple2<String, byte[]>>> sliced = new ArrayList<>();
                    parts.forEach((split, census) -> {
                        for (int s = 0; s < slices; s++) {
                            sliced.add(new Tuple2<>(s, new Tuple2<>(split, bytes(census.slice(s, slices)))));
                        }
                    });
                    return sliced.iterator();
                })
                .groupByKey(slices)
                .map(slice -> {
                    Map<String, Census> merged = new LinkedHashMap<>();
                    for (Tuple2<String, byte[]> part : slice._2()) {
                        merged.computeIfAbsent(part._1(), split -> new Census(names)).addAll(census(part._2()));
                    }
                    Map<String, CensusCounts> counts = new LinkedHashMap<>();
                    merged.forEach((split, census) -> counts.put(split, census.counts()));
                    Census train = merged.get(trainSplit);
                    Census test = testSplit == null ? null : merged.get(testSplit);
                    int sharing = train == null || test == null ? 0 : test.inputsInRegionsOf(train);
                    return new SliceCounts(counts, sharing);
                })
                // added up on the executors in a tree: a growth curve has a point per 1,000 inputs, too many to
                // send from every slice to the driver for a data set of millions
                .treeReduce(SliceCounts::plus);
        return new Result(total.counts(), total.sharing());
    }

    /** The census counts by split, and the test inputs that share a region with a training input. */
    record Result(Map<String, CensusCounts> counts, int sharing) {
    }

    /** The counts of one slice, or of several added up. */
    private record SliceCounts(Map<String, CensusCounts> counts, int sharing) implements Serializable {

        SliceCounts plus(SliceCounts other) {
            Map<String, CensusCounts> sum = new LinkedHashMap<>(counts);
            other.counts.forEach((split, more) -> sum.merge(split, more, CensusCounts::plus));
            return new SliceCounts(sum, sharing + other.sharing);
        }
    }

    private static byte[] bytes(Census census) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            census.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Census census(byte[] bytes) {
        try {
            return Census.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
