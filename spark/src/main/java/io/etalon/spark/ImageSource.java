package io.etalon.spark;

import io.etalon.tensor.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * Where a job's images come from: an IDX file (gzip or plain), a folder of PNGs, or a Parquet table with an image
 * column. The driver checks the source against the model's input shape before any task starts, so that a missing
 * file or a wrong image size fails in one line; the executors then read and decode the images themselves.
 */
sealed interface ImageSource permits IdxSource, PngFolderSource, ParquetSource {

    /** The location as the user gave it. */
    String location();

    /** Number of images. */
    int count();

    /**
     * The images, numbered 0..count-1, in partitions (null: {@link #defaultPartitions}). Each image has the model's
     * input shape.
     */
    JavaRDD<Image> images(SparkSession session, Integer partitions);

    /** Opens a source by what it is: a folder of Parquet or PNG files, a {@code .parquet} file, else an IDX file. */
    static ImageSource open(SparkSession session, String location, String column, Shape inputShape) throws IOException {
        Path path = new Path(location);
        FileSystem files = path.getFileSystem(session.sparkContext().hadoopConfiguration());
        if (!files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(location + ": no such file or folder");
        }
        if (files.getFileStatus(path).isDirectory()) {
            List<String> names = new ArrayList<>();
            for (FileStatus status : files.listStatus(path)) {
                names.add(status.getPath().getName().toLowerCase(java.util.Locale.ROOT));
            }
            if (names.stream().anyMatch(name -> name.endsWith(".parquet") || name.equals("_success"))) {
                return ParquetSource.open(session, location, column, inputShape);
            }
            return PngFolderSource.open(session, location, inputShape);
        }
        if (location.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
            return ParquetSource.open(session, location, column, inputShape);
        }
        return IdxSource.open(location, inputShape);
    }

    /** Enough partitions for two tasks per core and at most 8,192 images each, never more than images. */
    static int defaultPartitions(SparkSession session, int count) {
        int forCores = 2 * session.sparkContext().defaultParallelism();
        int forSize = (count + 8191) / 8192;
        return Math.max(1, Math.min(count, Math.max(forCores, forSize)));
    }

    /** Cuts 0..count-1 into {@code parts} contiguous ranges {start, end} of nearly equal length. */
    static List<int[]> ranges(int count, int parts) {
        List<int[]> ranges = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int start = (int) ((long) count * p / parts);
            int end = (int) ((long) count * (p + 1) / parts);
            if (end > start) {
                ranges.add(new int[] {start, end});
            }
        }
        return ranges;
    }
}
