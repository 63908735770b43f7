// Command go-aws drives the Lambda layer lifecycle through the AWS SDK for Go v2 (service/lambda): publish,
// get, get by ARN, list with paging, permissions, delete and typed errors, and prints what the SDK's models
// hold as one JSON object, or exits non-zero with the reason.
//
// Usage: STRATA_ENDPOINT=http://127.0.0.1:4588 go-aws layer.zip (the defaults: http://localhost:4588 and ./layer.zip)
package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

const name = "go-layer"

type object = map[string]any

func main() {
	ctx := context.Background()
	report := object{}

	// README go-aws begin
	endpoint := os.Getenv("STRATA_ENDPOINT")
	if endpoint == "" {
		endpoint = "http://localhost:4588"
	}
	zipPath := "layer.zip"
	if len(os.Args) > 1 {
		zipPath = os.Args[1]
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
	)
	check(err)
	client := lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
	zip, err := os.ReadFile(zipPath)
	check(err)
	layer, err := client.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{
		LayerName:               aws.String("go-layer"),
		Content:                 &types.LayerVersionContentInput{ZipFile: zip},
		CompatibleRuntimes:      []types.Runtime{types.RuntimeProvidedal2023},
		CompatibleArchitectures: []types.Architecture{types.ArchitectureArm64},
		Description:             aws.String("v1"),
		LicenseInfo:             aws.String("MIT"),
	})
	check(err)
	// README go-aws end

	published := []any{publishedOf(layer)}
	for _, description := range []string{"v2", "v3"} {
		v, err := client.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{
			LayerName: aws.String(name), Content: &types.LayerVersionContentInput{ZipFile: zip},
			CompatibleRuntimes: []types.Runtime{types.RuntimeProvidedal2023}, Description: aws.String(description),
		})
		check(err)
		published = append(published, publishedOf(v))
	}
	_, err = client.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{
		LayerName: aws.String("go-other"), Content: &types.LayerVersionContentInput{ZipFile: zip},
	})
	check(err)
	report["published"] = published

	got, err := client.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String(name), VersionNumber: aws.Int64(1)})
	check(err)
	report["get"] = object{
		"version": got.Version, "layerVersionArn": got.LayerVersionArn, "description": got.Description,
		"codeSha256": got.Content.CodeSha256, "codeSize": got.Content.CodeSize,
		"compatibleRuntimes": got.CompatibleRuntimes, "compatibleArchitectures": got.CompatibleArchitectures,
		"licenseInfo": got.LicenseInfo, "downloadedSha256": downloadSha256(*got.Content.Location),
	}
	byArn, err := client.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(*layer.LayerArn + ":2")})
	check(err)
	report["getByArn"] = object{"version": byArn.Version, "layerArn": byArn.LayerArn, "description": byArn.Description}

	report["versionPages"] = versionPages(ctx, client)
	layerPages := []any{}
	for pages := lambda.NewListLayersPaginator(client, &lambda.ListLayersInput{MaxItems: aws.Int32(1)}); pages.HasMorePages(); {
		page, err := pages.NextPage(ctx)
		check(err)
		items := []any{}
		for _, l := range page.Layers {
			items = append(items, object{"layerName": l.LayerName, "latestVersion": l.LatestMatchingVersion.Version})
		}
		layerPages = append(layerPages, items)
	}
	report["layerPages"] = layerPages

	granted, err := client.AddLayerVersionPermission(ctx, &lambda.AddLayerVersionPermissionInput{
		LayerName: aws.String(name), VersionNumber: aws.Int64(3),
		StatementId: aws.String("everyone"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*"),
	})
	check(err)
	policy, err := client.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(name), VersionNumber: aws.Int64(3)})
	check(err)
	report["permission"] = object{
		"statement": granted.Statement, "revisionId": granted.RevisionId, "policy": policy.Policy, "policyRevisionId": policy.RevisionId,
	}
	_, err = client.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{
		LayerName: aws.String(name), VersionNumber: aws.Int64(3), StatementId: aws.String("everyone"), RevisionId: policy.RevisionId,
	})
	check(err)
	_, err = client.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(name), VersionNumber: aws.Int64(3)})
	report["policyAfterRemove"] = notFound(err)

	_, err = client.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String(name), VersionNumber: aws.Int64(1)})
	check(err)
	_, err = client.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String(name), VersionNumber: aws.Int64(1)})
	report["getAfterDelete"] = notFound(err)
	report["versionsAfterDelete"] = versionPages(ctx, client)

	out, err := json.Marshal(report)
	check(err)
	fmt.Println(string(out))
}

func publishedOf(v *lambda.PublishLayerVersionOutput) object {
	return object{
		"version": v.Version, "layerArn": v.LayerArn, "layerVersionArn": v.LayerVersionArn, "description": v.Description,
		"codeSha256": v.Content.CodeSha256, "codeSize": v.Content.CodeSize, "createdDate": v.CreatedDate,
		"compatibleRuntimes": v.CompatibleRuntimes,
	}
}

// versionPages lists the versions two at a time, following NextMarker by hand.
func versionPages(ctx context.Context, client *lambda.Client) []any {
	pages := []any{}
	var marker *string
	for {
		page, err := client.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String(name), MaxItems: aws.Int32(2), Marker: marker})
		check(err)
		versions := []int64{}
		for _, v := range page.LayerVersions {
			versions = append(versions, v.Version)
		}
		pages = append(pages, versions)
		if marker = page.NextMarker; marker == nil {
			return pages
		}
	}
}

// notFound reports the typed error the SDK returned; any other outcome fails the program.
func notFound(err error) object {
	var typed *types.ResourceNotFoundException
	if !errors.As(err, &typed) {
		fail(fmt.Sprintf("expected *types.ResourceNotFoundException, got %v", err))
	}
	var response *awshttp.ResponseError
	status := 0
	if errors.As(err, &response) {
		status = response.HTTPStatusCode()
	}
	return object{"type": fmt.Sprintf("%T", typed), "status": status, "code": typed.ErrorCode(), "message": typed.ErrorMessage()}
}

func downloadSha256(location string) string {
	res, err := http.Get(location)
	check(err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("GET %s answered %d", location, res.StatusCode))
	}
	sum := sha256.New()
	_, err = io.Copy(sum, res.Body)
	check(err)
	return base64.StdEncoding.EncodeToString(sum.Sum(nil))
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "go-aws:", message)
	os.Exit(1)
}
