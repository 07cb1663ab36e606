package io.etalon.spark;

import io.etalon.data.DataFormatException;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * An IDX image file, read with core's {@link Idx}. Each partition opens the file and reads its own range, so the
 * file must be at the same path on every machine (a local run, a shared mount); a gzip file is inflated up to each
 * range's start. For data on a cluster's file system, use a Parquet table or a folder of PNGs.
 */
record IdxSource(String location, String file, int count) implements ImageSource {

    static IdxSource open(String location, Shape inputShape) throws IOException {
        URI uri = new org.apache.hadoop.fs.Path(location).toUri(); // as Spark reads names: spaces, brackets and all
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            throw new IllegalArgumentException(location + ": IDX files are read from a local or mounted path; on a "
                    + "cluster file system give a Parquet table or a folder of PNGs");
        }
        String file = uri.getScheme() == null ? location : uri.getPath();
        try (Idx.ImageStream stream = Idx.streamImages(java.nio.file.Path.of(file))) {
            if (!stream.shape().equals(inputShape)) {
                throw new DataFormatException(location + ": images are " + stream.shape() + " but the model takes "
                        + inputShape + "; give images of the model's input size");
            }
            return new IdxSource(location, java.nio.file.Path.of(file).toAbsolutePath().toString(), stream.count());
        }
    }

    @Override
    public JavaRDD<Image> images(SparkSession session, Integer partitions) {
        int parts = partitions == null ? ImageSource.defaultPartitions(session, count) : partitions;
        List<int[]> ranges = ImageSource.ranges(count, Math.min(parts, count));
        String path = file;
        return JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(ranges, ranges.size())
                .flatMap(range -> new Reader(path, range[0], range[1]));
    }

    /** Reads images start..end-1 of the file, a chunk at a time, and closes the file at the end or when the task ends. */
    private static final class Reader implements Iterator<Image> {
        private static final int CHUNK = 256;
        private final String path;
        private final int end;
        private int position;
        private Idx.ImageStream stream;
        private ImageSet chunk;
        private int chunkStart;

        Reader(String path, int start, int end) {
            this.path = path;
            this.position = start;
            this.end = end;
        }

        @Override
        public boolean hasNext() {
            if (position >= end && stream != null) {
                close();
            }
            return position < end;
        }

        @Override
        public Image next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            try {
                if (stream == null) {
                    stream = Idx.streamImages(java.nio.file.Path.of(path));
                    TaskContext task = TaskContext.get();
                    if (task != null) {
                        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> close());
                    }
                }
                if (chunk == null || position >= chunkStart + chunk.count()) {
                    int size = Math.min(CHUNK, end - position);
                    int[] indices = new int[size];
                    for (int k = 0; k < size; k++) {
                        indices[k] = position + k;
                    }
                    chunk = stream.read(indices);
                    chunkStart = position;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Image image = new Image(position, null, chunk.image(position - chunkStart));
            position++;
            return image;
        }

        private void close() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                stream = null;
            }
        }
    }
}
