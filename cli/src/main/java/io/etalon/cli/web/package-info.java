/**
 * The local web page of {@code etalon serve}: draw a digit and watch its etalons. {@link io.etalon.cli.web.EtalonApi}
 * is the JSON API (the same code as the command line), {@link io.etalon.cli.web.EtalonServer} serves it and the
 * bundled page on the JDK's HTTP server.
 */
package io.etalon.cli.web;
