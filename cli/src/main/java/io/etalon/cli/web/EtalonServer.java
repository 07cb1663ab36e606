package io.etalon.cli.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local web page and its API on the JDK's HTTP server. Static files come only from the bundled resources under
 * {@code /web/}; no request reads or writes files. Bodies over {@link #MAX_BODY} bytes ({@link #MAX_PHOTO_BODY} for a
 * photo) get 413, bad requests 400 with a one-line message, and unexpected failures 500 with no detail: no stack trace
 * or path reaches a client.
 */
public final class EtalonServer implements AutoCloseable {

    /** Largest request body: a 28x28 image as JSON is about 10 kB; big models' inputs fit too. */
    public static final int MAX_BODY = 1 << 20;

    /** Largest photo file for {@code POST /api/photo}: camera JPEGs are a few MB. */
    public static final int MAX_PHOTO_BODY = 16 << 20;

    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");

    private final HttpServer server;
    private final ExecutorService workers;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Starts serving.
     *
     * @param samples the shipped test images, for the page's "load a test digit" buttons; may be empty
     */
    public EtalonServer(EtalonApi api, Map<String, Object> samples, String host, int port, int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        workers = Executors.newFixedThreadPool(threads);
        server.setExecutor(workers);
        server.createContext("/api/model", exchange -> handle(exchange, "GET", () -> api.model()));
        server.createContext("/api/samples", exchange -> handle(exchange, "GET", () -> samples));
        server.createContext("/api/etalons", exchange -> handle(exchange, "POST", () -> api.etalons(body(exchange, MAX_BODY))));
        server.createContext("/api/photo", exchange -> handle(exchange, "POST", () -> api.photo(body(exchange, MAX_PHOTO_BODY))));
        server.createContext("/", this::serveStatic);
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private interface Handler {
        Object answer() throws IOException;
    }

    /** Thrown when the body is larger than allowed. */
    private static final class TooLarge extends RuntimeException {
        final int limit;

        TooLarge(int limit) {
            this.limit = limit;
        }
    }

    private void handle(HttpExchange exchange, String method, Handler handler) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals(method)) {
                send(exchange, 405, error("use " + method + " for " + exchange.getRequestURI().getPath()));
                return;
            }
            try {
                send(exchange, 200, json.writeValueAsBytes(handler.answer()));
            } catch (TooLarge e) {
                send(exchange, 413, error("the request body is larger than " + e.limit + " bytes ("
                        + (e.limit >> 20) + " MiB)"));
            } catch (EtalonApi.BadRequest e) {
                send(exchange, 400, error(e.getMessage()));
            } catch (RuntimeException | IOException e) {
                send(exchange, 500, error("internal error; the server log has details"));
                System.err.println("etalon serve: " + e);
            }
        }
    }

    private static byte[] body(HttpExchange exchange, int limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw new TooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw new EtalonApi.BadRequest("Content-Length is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new TooLarge(limit);
            }
            return bytes;
        }
    }

    private byte[] error(String message) throws IOException {
        return json.writeValueAsBytes(Map.of("error", message.replaceAll("[\\r\\n]+", " ")));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void serveStatic(HttpExchange exchange) throws IOException {
        try (exchange) {
            String file = STATIC.get(exchange.getRequestURI().getPath());
            if (file == null || !exchange.getRequestMethod().equals("GET")) {
                send(exchange, 404, error("not found"));
                return;
            }
            byte[] content;
            try (InputStream in = EtalonServer.class.getResourceAsStream("/web/" + file)) {
                if (in == null) {
                    send(exchange, 404, error("not found"));
                    return;
                }
                content = in.readAllBytes();
            }
            String type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.sendResponseHeaders(200, content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

}
