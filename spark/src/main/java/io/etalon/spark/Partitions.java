package io.etalon.spark;

import io.etalon.etalon.Method;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

/** The explaining step every job shares: images in, rows out, each partition explained in batches on its executor. */
final class Partitions {

    private Partitions() {
    }

    /**
     * Explains every image of {@code images} for {@code neuronSpecs} with {@code method}, and turns each explained image
     * into rows with {@code rows} (a serializable function, since it runs on the executors).
     */
    static <R> JavaRDD<R> explain(JavaRDD<Image> images, ShippedModel model, List<String> neuronSpecs, Method method,
                                  JobOptions options, LongAccumulator counter, RowMaker<R> rows) {
        List<String> neurons = List.copyOf(neuronSpecs);
        int batch = options.batch;
        int threads = options.threadsPerTask;
        return images.mapPartitions(partition -> {
            Batches batches = new Batches(partition, model, neurons, method, batch, threads, counter);
            Stream<Explained> explained = StreamSupport.stream(Spliterators.spliteratorUnknownSize(batches, Spliterator.ORDERED), false);
            return explained.flatMap(rows::rows).iterator();
        });
    }

    /** Rows of one explained image. */
    @FunctionalInterface
    interface RowMaker<R> extends java.io.Serializable {
        Stream<R> rows(Explained explained);
    }

    /** A row maker of one row per image. */
    static <R> RowMaker<R> one(SerializableFunction<Explained, R> row) {
        return explained -> Stream.of(row.apply(explained));
    }

    /** A function that can travel to the executors. */
    @FunctionalInterface
    interface SerializableFunction<A, B> extends Function<A, B>, java.io.Serializable {
    }
}
