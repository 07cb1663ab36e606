package io.etalon.spark;

import io.etalon.data.DataFormatException;
import io.etalon.data.PngImages;
import io.etalon.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet table (a file or a folder of part files) with one image per row, in a column of one of these types:
 * <ul>
 *   <li>binary: the bytes of a PNG (or other image file), decoded as core's {@link PngImages} reads files;</li>
 *   <li>a struct with a binary field {@code bytes}: the image feature of Hugging Face data sets, the same;</li>
 *   <li>an array of numbers: the pixels as the model takes them (MNIST models: 0..1), row-major C x H x W.</li>
 * </ul>
 * Rows are numbered in the order Spark reads the table. Executors read their own row groups.
 */
record ParquetSource(String location, String column, Kind kind, int count, int[] shape) implements ImageSource {

    /** How the column holds an image. */
    enum Kind { ENCODED, ENCODED_IN_STRUCT, PIXELS }

    static ParquetSource open(SparkSession session, String location, String column, Shape inputShape) {
        Dataset<Row> table = session.read().parquet(location);
        StructType schema = table.schema();
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(location + ": the table has no column '" + column + "'; its columns are "
                    + String.join(", ", schema.fieldNames()) + " (choose one with --column)");
        }
        Kind kind = kind(schema.apply(column).dataType());
        if (kind == null) {
            throw new IllegalArgumentException(location + ": column '" + column + "' is " + schema.apply(column).dataType()
                    .simpleString() + "; give PNG bytes (binary), a struct with binary 'bytes', or an array of pixel values");
        }
        if (kind != Kind.PIXELS && (inputShape.rank() != 3 || inputShape.dim(0) != 1)) {
            throw new IllegalArgumentException("PNG input needs a model with one input channel; this model takes " + inputShape);
        }
        long rows = table.count();
        if (rows == 0 || rows > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(location + ": the table has " + rows + " rows; give 1 to "
                    + (Integer.MAX_VALUE - 1) + " images");
        }
        return new ParquetSource(location, column, kind, (int) rows, inputShape.dims());
    }

    private static Kind kind(DataType type) {
        if (type instanceof BinaryType) {
            return Kind.ENCODED;
        }
        if (type instanceof StructType struct) {
            for (StructField field : struct.fields()) {
                if (field.name().equals("bytes") && field.dataType() instanceof BinaryType) {
                    return Kind.ENCODED_IN_STRUCT;
                }
            }
            return null;
        }
        if (type instanceof ArrayType array && array.elementType() instanceof NumericType) {
            return Kind.PIXELS;
        }
        return null;
    }

    @Override
    public JavaRDD<Image> images(SparkSession session, Integer partitions) {
        String name = location;
        Kind how = kind;
        int[] dims = shape.clone();
        JavaRDD<Image> images = session.read().parquet(location).select(column).javaRDD().zipWithIndex()
                .map(row -> new Image(row._2().intValue(), null, pixels(row._1(), how, dims, name + " row " + row._2())));
        return partitions == null ? images : images.repartition(partitions);
    }

    private static float[] pixels(Row row, Kind kind, int[] shape, String where) {
        if (row.isNullAt(0)) {
            throw new DataFormatException(where + ": the image is null; every row needs an image");
        }
        return switch (kind) {
            case ENCODED -> PngImages.decode((byte[]) row.get(0), where, shape[1], shape[2]);
            case ENCODED_IN_STRUCT -> {
                Row struct = row.getStruct(0);
                Object bytes = struct.get(struct.fieldIndex("bytes"));
                if (bytes == null) {
                    throw new DataFormatException(where + ": the image has no bytes");
                }
                yield PngImages.decode((byte[]) bytes, where, shape[1], shape[2]);
            }
            case PIXELS -> values(row.getList(0), shape, where);
        };
    }

    private static float[] values(List<Object> list, int[] shape, String where) {
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (list.size() != size) {
            throw new DataFormatException(where + ": the image has " + list.size() + " values but the model takes "
                    + Arrays.toString(shape) + " = " + size + "; give images of the model's input size");
        }
        float[] pixels = new float[size];
        for (int i = 0; i < size; i++) {
            Object value = list.get(i);
            pixels[i] = value == null ? Float.NaN : ((Number) value).floatValue();
            if (!Float.isFinite(pixels[i])) {
                throw new DataFormatException(where + ": pixel " + i + " is " + value + "; pixels must be finite numbers");
            }
        }
        return pixels;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParquetSource source && location.equals(source.location) && column.equals(source.column);
    }

    @Override
    public int hashCode() {
        return location.hashCode() * 31 + column.hashCode();
    }
}
