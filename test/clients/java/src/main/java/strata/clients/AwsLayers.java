package strata.clients;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddLayerVersionPermissionResponse;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionByArnResponse;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionPolicyResponse;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse;
import software.amazon.awssdk.services.lambda.model.ListLayersResponse;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The Lambda layer lifecycle through the AWS SDK for Java v2: publish, get, get by ARN, list with paging,
 * permissions, delete and typed errors, reporting what the SDK's models hold.
 * Usage: STRATA_ENDPOINT=http://127.0.0.1:4588 java -cp … strata.clients.AwsLayers layer.zip (the defaults:
 * http://localhost:4588 and ./layer.zip); it prints one JSON object, or exits non-zero with the reason.
 */
public final class AwsLayers {
  private static final String NAME = "java-layer";

  public static void main(String[] args) throws Exception {
    Report report = new Report();
    // README java-aws begin
    String endpoint = System.getenv().getOrDefault("STRATA_ENDPOINT", "http://localhost:4588");
    byte[] zip = Files.readAllBytes(Path.of(args.length > 0 ? args[0] : "layer.zip"));
    LambdaClient lambda = LambdaClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
    PublishLayerVersionResponse layer = lambda.publishLayerVersion(r -> r
        .layerName("java-layer")
        .content(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
        .compatibleRuntimes(Runtime.JAVA17)
        .compatibleArchitectures(Architecture.ARM64)
        .description("v1")
        .licenseInfo("MIT"));
    // README java-aws end

    List<Object> published = new ArrayList<>(List.of(published(layer)));
    for (String description : List.of("v2", "v3")) {
      published.add(published(lambda.publishLayerVersion(r -> r.layerName(NAME)
          .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))).compatibleRuntimes(Runtime.JAVA17).description(description))));
    }
    lambda.publishLayerVersion(r -> r.layerName("java-other").content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
    report.put("published", published);

    GetLayerVersionResponse got = lambda.getLayerVersion(r -> r.layerName(NAME).versionNumber(1L));
    report.put("get", Report.object(
        "version", got.version(), "layerVersionArn", got.layerVersionArn(), "description", got.description(),
        "codeSha256", got.content().codeSha256(), "codeSize", got.content().codeSize(),
        "compatibleRuntimes", got.compatibleRuntimesAsStrings(), "compatibleArchitectures", got.compatibleArchitecturesAsStrings(),
        "licenseInfo", got.licenseInfo(), "downloadedSha256", Report.downloadSha256(got.content().location())));
    String arn2 = layer.layerArn() + ":2";
    GetLayerVersionByArnResponse byArn = lambda.getLayerVersionByArn(r -> r.arn(arn2));
    report.put("getByArn", Report.object("version", byArn.version(), "layerArn", byArn.layerArn(), "description", byArn.description()));

    report.put("versionPages", versionPages(lambda));
    List<Object> layerPages = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      ListLayersResponse page = lambda.listLayers(r -> r.maxItems(1).marker(from));
      layerPages.add(page.layers().stream()
          .map(l -> Report.object("layerName", l.layerName(), "latestVersion", l.latestMatchingVersion().version())).toList());
      marker = page.nextMarker();
    } while (marker != null);
    report.put("layerPages", layerPages);

    AddLayerVersionPermissionResponse granted = lambda.addLayerVersionPermission(r -> r.layerName(NAME).versionNumber(3L)
        .statementId("everyone").action("lambda:GetLayerVersion").principal("*"));
    GetLayerVersionPolicyResponse policy = lambda.getLayerVersionPolicy(r -> r.layerName(NAME).versionNumber(3L));
    report.put("permission", Report.object("statement", granted.statement(), "revisionId", granted.revisionId(),
        "policy", policy.policy(), "policyRevisionId", policy.revisionId()));
    lambda.removeLayerVersionPermission(r -> r.layerName(NAME).versionNumber(3L).statementId("everyone").revisionId(policy.revisionId()));
    report.put("policyAfterRemove", error(() -> lambda.getLayerVersionPolicy(r -> r.layerName(NAME).versionNumber(3L))));

    lambda.deleteLayerVersion(r -> r.layerName(NAME).versionNumber(1L));
    report.put("getAfterDelete", error(() -> lambda.getLayerVersion(r -> r.layerName(NAME).versionNumber(1L))));
    report.put("versionsAfterDelete", versionPages(lambda));
    report.print();
  }

  private static Map<String, Object> published(PublishLayerVersionResponse v) {
    return Report.object("version", v.version(), "layerArn", v.layerArn(), "layerVersionArn", v.layerVersionArn(),
        "description", v.description(), "codeSha256", v.content().codeSha256(), "codeSize", v.content().codeSize(),
        "createdDate", v.createdDate(), "compatibleRuntimes", v.compatibleRuntimesAsStrings());
  }

  /** ListLayerVersions two at a time, following NextMarker: the versions of each page. */
  private static List<Object> versionPages(LambdaClient lambda) {
    List<Object> pages = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      ListLayerVersionsResponse page = lambda.listLayerVersions(r -> r.layerName(NAME).maxItems(2).marker(from));
      pages.add(page.layerVersions().stream().map(v -> v.version()).toList());
      marker = page.nextMarker();
    } while (marker != null);
    return pages;
  }

  /** The typed exception a call throws, as the SDK parsed it; a call that succeeds fails the program. */
  private static Map<String, Object> error(Runnable call) {
    try {
      call.run();
    } catch (ResourceNotFoundException e) {
      return Report.object("class", e.getClass().getName(), "status", e.statusCode(),
          "code", e.awsErrorDetails().errorCode(), "message", e.awsErrorDetails().errorMessage());
    } catch (LambdaException e) {
      Report.fail("expected ResourceNotFoundException, got " + e.getClass().getName() + ": " + e.getMessage());
    }
    Report.fail("expected ResourceNotFoundException, the call succeeded");
    return null;
  }
}
