package strata.clients;

import com.aliyun.fc20230330.Client;
import com.aliyun.fc20230330.models.CreateLayerVersionInput;
import com.aliyun.fc20230330.models.CreateLayerVersionRequest;
import com.aliyun.fc20230330.models.InputCodeLocation;
import com.aliyun.fc20230330.models.Layer;
import com.aliyun.fc20230330.models.ListLayerVersionOutput;
import com.aliyun.fc20230330.models.ListLayerVersionsRequest;
import com.aliyun.fc20230330.models.ListLayersOutput;
import com.aliyun.fc20230330.models.ListLayersRequest;
import com.aliyun.fc20230330.models.PutLayerACLRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The FC 3.0 layer lifecycle through the Alibaba Cloud Java SDK (com.aliyun:fc20230330): create, get, get by
 * ARN, list with paging, ACL, delete and error codes, reporting what the SDK's models hold.
 * Usage: STRATA_ENDPOINT=http://127.0.0.1:4588 java -cp … strata.clients.FcLayers layer.zip (the defaults:
 * http://localhost:4588 and ./layer.zip); it prints one JSON object, or exits non-zero with the reason.
 */
public final class FcLayers {
  private static final String NAME = "java-layer";

  public static void main(String[] args) throws Exception {
    Report report = new Report();
    // README java-fc begin
    URI strata = URI.create(System.getenv().getOrDefault("STRATA_ENDPOINT", "http://localhost:4588"));
    // The Tea SDKs take the endpoint as host:port, and the scheme as the protocol.
    Client fc = new Client(new Config()
        .setAccessKeyId("test").setAccessKeySecret("test")
        .setEndpoint(strata.getAuthority()).setProtocol(strata.getScheme()) // localhost:4588, http
        .setRegionId("cn-hangzhou"));
    String zip = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args.length > 0 ? args[0] : "layer.zip")));
    Layer layer = fc.createLayerVersion("java-layer", new CreateLayerVersionRequest().setBody(new CreateLayerVersionInput()
        .setCode(new InputCodeLocation().setZipFile(zip))
        .setCompatibleRuntime(List.of("java17"))
        .setDescription("v1")
        .setLicense("MIT"))).getBody();
    fc.putLayerACL("java-layer", new PutLayerACLRequest().setAcl("1")); // public: every account may use it
    // README java-fc end

    List<Object> created = new ArrayList<>(List.of(layer(layer)));
    for (String description : List.of("v2", "v3")) {
      created.add(layer(fc.createLayerVersion(NAME, new CreateLayerVersionRequest().setBody(new CreateLayerVersionInput()
          .setCode(new InputCodeLocation().setZipFile(zip)).setCompatibleRuntime(List.of("java17"))
          .setDescription(description))).getBody()));
    }
    fc.createLayerVersion("java-other", new CreateLayerVersionRequest().setBody(new CreateLayerVersionInput()
        .setCode(new InputCodeLocation().setZipFile(zip)).setCompatibleRuntime(List.of("python3.10"))));
    report.put("created", created);

    Layer got = fc.getLayerVersion(NAME, "1").getBody();
    Map<String, Object> get = layer(got);
    get.put("downloadedSha256", Report.downloadSha256(got.getCode().getLocation()));
    report.put("get", get);
    Layer byArn = fc.getLayerVersionByArn(created.size() > 1 ? (String) ((Map<?, ?>) created.get(1)).get("layerVersionArn") : "")
        .getBody();
    report.put("getByArn", Report.object("layerName", byArn.getLayerName(), "version", byArn.getVersion(),
        "description", byArn.getDescription()));

    report.put("versionPages", versionPages(fc));
    List<Object> layerPages = new ArrayList<>();
    String token = null;
    do {
      ListLayersOutput page = fc.listLayers(new ListLayersRequest().setLimit(1).setNextToken(token)).getBody();
      layerPages.add(page.getLayers().stream().map(l -> Report.object("layerName", l.getLayerName(), "version", l.getVersion())).toList());
      token = page.getNextToken();
    } while (token != null && !token.isEmpty());
    report.put("layerPages", layerPages);
    report.put("publicLayers", fc.listLayers(new ListLayersRequest().set_public("true")).getBody().getLayers().stream()
        .map(l -> Report.object("layerName", l.getLayerName(), "acl", l.getAcl())).toList());

    report.put("deleteStatus", fc.deleteLayerVersion(NAME, "1").getStatusCode());
    report.put("getAfterDelete", error(() -> fc.getLayerVersion(NAME, "1")));
    report.put("missingLayer", error(() -> fc.getLayerVersion("no-such-layer", "1")));
    report.put("versionsAfterDelete", versionPages(fc));
    report.print();
  }

  private static Map<String, Object> layer(Layer v) {
    return Report.object("layerName", v.getLayerName(), "version", v.getVersion(), "layerVersionArn", v.getLayerVersionArn(),
        "description", v.getDescription(), "codeChecksum", v.getCodeChecksum(), "codeSize", v.getCodeSize(),
        "createTime", v.getCreateTime(), "compatibleRuntime", v.getCompatibleRuntime(), "license", v.getLicense(),
        "acl", v.getAcl(), "repositoryType", v.getCode() == null ? null : v.getCode().getRepositoryType());
  }

  /** ListLayerVersions two at a time, following nextVersion: the versions of each page. */
  private static List<Object> versionPages(Client fc) throws Exception {
    List<Object> pages = new ArrayList<>();
    Integer next = null;
    do {
      ListLayerVersionsRequest request = new ListLayerVersionsRequest().setLimit(2);
      if (next != null) request.setStartVersion(next.toString());
      ListLayerVersionOutput page = fc.listLayerVersions(NAME, request).getBody();
      pages.add(page.getLayers().stream().map(Layer::getVersion).toList());
      next = page.getNextVersion();
    } while (next != null && next != 0);
    return pages;
  }

  /** The TeaException a call throws, as the SDK parsed it; a call that succeeds fails the program. */
  private static Map<String, Object> error(Callable<?> call) {
    try {
      call.call();
    } catch (TeaException e) {
      return Report.object("code", e.getCode(), "statusCode", e.getStatusCode(), "message", e.getMessage(),
          "dataMessage", e.getData() == null ? null : e.getData().get("Message"));
    } catch (Exception e) {
      Report.fail("expected a TeaException, got " + e);
    }
    Report.fail("expected a TeaException, the call succeeded");
    return null;
  }
}
