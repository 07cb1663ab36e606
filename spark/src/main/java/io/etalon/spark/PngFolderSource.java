package io.etalon.spark;

import io.etalon.data.PngImages;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A folder of PNG files (on any file system Spark reads), numbered in the order of their names and decoded on the
 * executors with core's {@link PngImages}, as the command line reads them. The model must take one grey channel.
 */
record PngFolderSource(String location, List<String> files, int height, int width) implements ImageSource {

    static PngFolderSource open(SparkSession session, String location, Shape inputShape) throws IOException {
        if (inputShape.rank() != 3 || inputShape.dim(0) != 1) {
            throw new IllegalArgumentException("PNG input needs a model with one input channel; this model takes " + inputShape);
        }
        Path folder = new Path(location);
        FileSystem files = folder.getFileSystem(session.sparkContext().hadoopConfiguration());
        List<String> names = new ArrayList<>();
        for (FileStatus status : files.listStatus(folder)) {
            if (status.isFile() && status.getPath().getName().toLowerCase(Locale.ROOT).endsWith(".png")) {
                names.add(status.getPath().toString());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(location + ": the folder holds no .png files and no Parquet table;"
                    + " give a folder of PNGs, a Parquet table or an IDX file");
        }
        names.sort(null);
        PngFolderSource source = new PngFolderSource(location, List.copyOf(names), inputShape.dim(1), inputShape.dim(2));
        decode(names.get(0), files.getConf(), source.height, source.width); // a wrong size fails here, before any task
        return source;
    }

    @Override
    public int count() {
        return files.size();
    }

    @Override
    public JavaRDD<Image> images(SparkSession session, Integer partitions) {
        int parts = partitions == null ? ImageSource.defaultPartitions(session, count()) : Math.min(partitions, count());
        List<Tuple2<Integer, String>> numbered = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            numbered.add(new Tuple2<>(i, files.get(i)));
        }
        int rows = height;
        int columns = width;
        return JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(numbered, parts)
                .map(entry -> new Image(entry._1(), new Path(entry._2()).getName(),
                        decode(entry._2(), ExecutorFiles.configuration(), rows, columns)));
    }

    private static float[] decode(String file, Configuration conf, int height, int width) throws IOException {
        Path path = new Path(file);
        FileSystem system = path.getFileSystem(conf);
        long size = system.getFileStatus(path).getLen();
        if (size > Integer.MAX_VALUE - 16) {
            throw new io.etalon.data.DataFormatException(file + ": " + size + " bytes is too large for an image");
        }
        byte[] content = new byte[(int) size];
        try (FSDataInputStream in = system.open(path)) {
            in.readFully(content);
        }
        return PngImages.decode(content, file, height, width);
    }
}
