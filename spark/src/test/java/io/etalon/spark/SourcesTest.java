package io.etalon.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.ImageSet;
import io.etalon.data.PngImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same digits as an IDX file, a folder of PNGs, and Parquet tables of PNG bytes, of Hugging Face image structs
 * and of pixel arrays give the same census.
 */
class SourcesTest {

    private static final int COUNT = 40;

    @TempDir
    static Path folder;

    private static ImageSet digits;
    private static Path idx;

    @BeforeAll
    static void digits() throws Exception {
        LocalSpark.session();
        idx = folder.resolve("digits.idx");
        digits = LocalSpark.subset(LocalSpark.MNIST.resolve("test-images-idx3-ubyte.gz"), idx, COUNT);
    }

    @Test
    void everySourceGivesTheCensusOfTheIdxFile() throws Exception {
        Path pngs = Files.createDirectories(folder.resolve("pngs"));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            Path file = pngs.resolve(String.format("digit-%03d.png", i)); // name order is image order
            PngImages.write(file, digits.image(i), 28, 28);
            byte[] png = Files.readAllBytes(file);
            float[] pixels = digits.image(i);
            List<Float> values = new ArrayList<>();
            for (float pixel : pixels) {
                values.add(pixel);
            }
            rows.add(RowFactory.create(i, png, RowFactory.create(png, file.getFileName().toString()), values));
        }
        SparkSession session = LocalSpark.session();
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("png", DataTypes.BinaryType)
                .add("image", new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType))
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
        String table = folder.resolve("digits.parquet").toString();
        session.createDataFrame(rows, schema).coalesce(1).write().parquet(table);

        JsonNode expected = census("idx", idx.toString());
        assertThat(expected.get("inputs").asInt()).isEqualTo(COUNT);
        assertThat(census("pngs", pngs.toString())).isEqualTo(expected);
        assertThat(census("png-bytes", table, "--column", "png")).isEqualTo(expected);
        assertThat(census("image-struct", table)).isEqualTo(expected);
        assertThat(census("pixel-arrays", table, "--column", "pixels")).isEqualTo(expected);
    }

    private static JsonNode census(String name, String images, String... options) throws Exception {
        Path out = folder.resolve("census-" + name);
        List<String> args = new ArrayList<>(List.of("census", "--master", LocalSpark.MASTER, "--quiet", "--partitions", "3",
                "--model", LocalSpark.MODEL.toString(), "--images", images, "--out", out.toString()));
        args.addAll(List.of(options));
        LocalSpark.Run run = LocalSpark.spark(args.toArray(String[]::new));
        assertThat(run.code()).as(name + ": " + run.err()).isZero();
        return new ObjectMapper().readTree(out.resolve("census.json").toFile()).get("images");
    }
}
