package io.etalon.spark;

import io.etalon.etalon.Explanation;
import io.etalon.pattern.Census;
import io.etalon.pattern.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The census's table of images ({@code images.parquet}): one row per image with the fingerprints the census counts,
 * computed by core ({@link Census#layerFingerprints}, {@link Census#wholeFingerprint}, {@link
 * Explanation#etalonFingerprint}), and the statistics of its pattern.
 */
final class PatternRows {

    static final StructType SCHEMA = new StructType()
            .add("split", DataTypes.StringType, false)
            .add("index", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, true)
            .add("predicted", DataTypes.IntegerType, false)
            .add("pattern", DataTypes.LongType, false)
            .add("layerPatterns", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("outputEtalons", DataTypes.LongType, false)
            .add("ties", DataTypes.IntegerType, false)
            .add("smallestMargin", DataTypes.FloatType, true)
            .add("maxRelativeResidual", DataTypes.DoubleType, false);

    private PatternRows() {
    }

    static Row row(String split, Explained explained) {
        Explanation explanation = explained.explanation();
        Pattern pattern = explanation.pattern();
        long[] layers = Census.layerFingerprints(pattern);
        float margin = pattern.smallestMargin();
        return RowFactory.create(split, explained.image().index(), explained.image().name(), explanation.predicted(),
                Census.wholeFingerprint(layers), layers, explanation.etalonFingerprint(), pattern.totalTies(),
                Float.isInfinite(margin) ? null : margin, explanation.maxRelativeResidual());
    }
}
