package io.contrail.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The API's own documents, public: its OpenAPI 3.1 description at {@code /api/v2/openapi.json}
 * (written for Contrail, listing exactly the operations served, held against the server by a test)
 * and a Swagger UI page at {@code /api/v2/docs} whose scripts come from the swagger-ui webjar on
 * the server's classpath — no CDN, so it works offline.
 */
final class DocsEndpoints implements Routes.Group {
  private static final String DOCUMENT = "/io/contrail/rest/openapi.yaml";
  private static final String WEBJAR = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private final byte[] openapi;
  private final String page;

  /** @param contextPath where the API lives ({@code /} unless base_url has a path) */
  DocsEndpoints(String contextPath) {
    String prefix = contextPath.equals("/") ? "" : contextPath;
    this.openapi = document(prefix.isEmpty() ? "/" : prefix);
    this.page = page(prefix, swaggerUiVersion());
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/openapi.json", ctx -> ctx.status(200).contentType("application/json").result(openapi));
    routes.get("/api/v2/docs", ctx -> ctx.status(200).contentType("text/html; charset=utf-8").result(page));
  }

  /** The YAML document as JSON, its server being where this API is served. */
  static byte[] document(String serverUrl) {
    try (InputStream in = DocsEndpoints.class.getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new IllegalStateException(DOCUMENT + " is missing from the classpath");
      }
      ObjectNode doc = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(in);
      doc.set("servers", Responses.MAPPER.valueToTree(List.of(Map.of("url", serverUrl))));
      return Responses.MAPPER.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DOCUMENT, e);
    }
  }

  private static String swaggerUiVersion() {
    try (InputStream in = DocsEndpoints.class.getResourceAsStream(WEBJAR)) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String page(String prefix, String version) {
    String assets = prefix + "/webjars/swagger-ui/" + version;
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Contrail REST API</title>
          <link rel="stylesheet" href="%1$s/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="%1$s/swagger-ui-bundle.js"></script>
          <script>
            window.ui = SwaggerUIBundle({url: "%2$s/api/v2/openapi.json", dom_id: "#swagger-ui",
              persistAuthorization: true});
          </script>
        </body>
        </html>
        """.formatted(assets, prefix);
  }
}
