package io.etalon.spark;

import io.etalon.pattern.CensusCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The census as {@code etalon census} reports it: per data set (split), the JSON fields {@code inputs},
 * {@code distinctPatterns}, {@code distinctOutputEtalons}, {@code distinctPerLayer}, {@code groupSizes} and
 * {@code growth}; and the same numbers as a Parquet table with one row per split.
 */
final class CensusReport {

    static final StructType SCHEMA = new StructType()
            .add("split", DataTypes.StringType, false)
            .add("inputs", DataTypes.IntegerType, false)
            .add("distinctPatterns", DataTypes.IntegerType, false)
            .add("distinctOutputEtalons", DataTypes.IntegerType, false)
            .add("distinctPerLayer", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType, false), false)
            .add("groupSizes", DataTypes.createMapType(DataTypes.IntegerType, DataTypes.IntegerType, false), false)
            .add("growth", DataTypes.createArrayType(new StructType()
                    .add("inputs", DataTypes.IntegerType, false)
                    .add("distinctPatterns", DataTypes.IntegerType, false), false), false)
            .add("sharingARegionWithTraining", DataTypes.IntegerType, true);

    private CensusReport() {
    }

    /** The JSON object of one split, field for field as the command line writes it. */
    static Map<String, Object> summary(CensusCounts counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputs", counts.inputs());
        json.put("distinctPatterns", counts.distinctPatterns());
        json.put("distinctOutputEtalons", counts.distinctEtalons());
        json.put("distinctPerLayer", counts.distinctPerLayer());
        json.put("groupSizes", counts.groupSizes());
        json.put("growth", counts.growth());
        return json;
    }

    /** The Parquet row of one split; {@code sharing} is null except for the test split. */
    static Row row(String split, CensusCounts counts, Integer sharing) {
        List<Row> growth = new ArrayList<>();
        for (int[] point : counts.growth()) {
            growth.add(RowFactory.create(point[0], point[1]));
        }
        return RowFactory.create(split, counts.inputs(), counts.distinctPatterns(), counts.distinctEtalons(),
                counts.distinctPerLayer(), counts.groupSizes(), growth, sharing);
    }

    /** One line per split for the terminal, as the command line prints it. */
    static String describe(String split, CensusCounts counts) {
        int largest = counts.groupSizes().keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        return String.format("%s: %d inputs fall in %d distinct linear regions and use %d distinct sets of output etalons; "
                        + "%d regions hold one input, the largest holds %d%n  distinct patterns per layer: %s", split,
                counts.inputs(), counts.distinctPatterns(), counts.distinctEtalons(), counts.groupSizes().getOrDefault(1, 0),
                largest, counts.distinctPerLayer());
    }
}
