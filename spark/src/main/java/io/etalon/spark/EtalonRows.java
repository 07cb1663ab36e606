package io.etalon.spark;

import io.etalon.data.Npy;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explanation;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The explain job's table ({@code etalons.parquet}): one row per image and neuron with the etalon image W_p as a
 * float array (row-major in the input shape), its bias b_p, the score NET(X)_p and the exactness residuals.
 */
final class EtalonRows {

    static final StructType SCHEMA = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, true)
            .add("neuron", DataTypes.StringType, false)
            .add("predicted", DataTypes.IntegerType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("bias", DataTypes.DoubleType, false)
            .add("residual", DataTypes.DoubleType, false)
            .add("relativeResidual", DataTypes.DoubleType, false)
            .add("etalon", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private EtalonRows() {
    }

    static Stream<Row> rows(Explained explained) {
        Explanation explanation = explained.explanation();
        return explanation.etalons().stream().map(etalon -> RowFactory.create(explained.image().index(),
                explained.image().name(), etalon.neuron().id(), explanation.predicted(), etalon.score(), etalon.bias(),
                etalon.residual(), etalon.relativeResidual(), etalon.weights()));
    }

    /**
     * Writes the image's etalons as {@code folder/<index>.npy}, float32 of shape {@code [neurons, C, H, W]}, as
     * {@code etalon explain} writes {@code etalons.npy}.
     */
    static void writeNpy(String folder, Explained explained) {
        List<Etalon> etalons = explained.explanation().etalons();
        Shape shape = etalons.get(0).shape();
        float[] values = new float[etalons.size() * shape.size()];
        for (int p = 0; p < etalons.size(); p++) {
            System.arraycopy(etalons.get(p).weights(), 0, values, p * shape.size(), shape.size());
        }
        int[] dims = new int[shape.rank() + 1];
        dims[0] = etalons.size();
        System.arraycopy(shape.dims(), 0, dims, 1, shape.rank());
        try {
            ExecutorFiles.writeWhole(folder + "/" + explained.image().index() + ".npy", Npy.encodeFloat32(dims, values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
