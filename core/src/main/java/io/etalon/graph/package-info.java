/**
 * Networks: an immutable directed acyclic graph of named ops ({@link io.etalon.graph.Network}), the record of one
 * forward pass ({@link io.etalon.graph.Trace}) and builders for known architectures such as
 * {@link io.etalon.graph.LeNet}.
 */
package io.etalon.graph;
