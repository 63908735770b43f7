package strata.clients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client program reports: one JSON object of the values its SDK parsed, printed on stdout at the end.
 * The tests parse it; a failure before the end exits non-zero with the reason on stderr.
 */
final class Report {
  private final Map<String, Object> values = new LinkedHashMap<>();

  static void fail(String message) {
    System.err.println(message);
    System.exit(2);
  }

  /** Downloads a layer's code link and returns its SHA-256, in base64 like AWS's CodeSha256. */
  static String downloadSha256(String location) throws Exception {
    HttpResponse<byte[]> got = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (got.statusCode() != 200) fail("GET " + location + " answered " + got.statusCode());
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(got.body()));
  }

  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  void put(String key, Object value) {
    values.put(key, value);
  }

  void print() {
    System.out.println(json(values));
  }

  private static String json(Object value) {
    if (value == null) return "null";
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (out.length() > 1) out.append(',');
        out.append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      }
      return out.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object item : list) out.append(out.length() > 1 ? "," : "").append(json(item));
      return out.append(']').toString();
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
