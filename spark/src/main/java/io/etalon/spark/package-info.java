/**
 * The etalon census and batch explanations as Apache Spark jobs, for data sets beyond one machine. The driver
 * checks the model and the input, then ships the model's bytes to the executors once (a broadcast); each executor
 * loads it once ({@link io.etalon.spark.ModelCache}) and explains its partitions in batches with the same core code
 * as the command line. The census is built from partial {@link io.etalon.pattern.Census} objects that are cut into
 * slices by fingerprint and shuffled, so that no machine holds the census of the whole data set; the counts of the
 * slices add up. Outputs are staged in a hidden folder and moved into place when complete.
 */
package io.etalon.spark;
