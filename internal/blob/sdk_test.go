package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
)

const (
	contributorOID = "c0000000-0000-4000-8000-000000000001"
	readerOID      = "c0000000-0000-4000-8000-000000000002"
	strangerOID    = "c0000000-0000-4000-8000-000000000003"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code bloberror.Code) {
	t.Helper()
	if !bloberror.HasCode(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestSDKRoundTrip drives the real azblob client through a full life cycle.
func TestSDKRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(e.principal(contributorOID, "Storage Blob Data Contributor", accountID))

	_, err := c.CreateContainer(ctx, "photos", &azblob.CreateContainerOptions{Metadata: map[string]*string{"team": to.Ptr("infra")}})
	must(t, err)
	_, err = c.CreateContainer(ctx, "photos", nil)
	wantCode(t, err, bloberror.ContainerAlreadyExists)

	small := []byte("hello, lanyard")
	_, err = c.UploadBuffer(ctx, "photos", "dir/hello world.txt", small, &azblob.UploadBufferOptions{
		Metadata:    map[string]*string{"Owner": to.Ptr("alice")},
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr("text/plain")},
	})
	must(t, err)

	big := make([]byte, 3<<20+12345)
	_, _ = rand.Read(big)
	_, err = c.UploadStream(ctx, "photos", "big.bin", bytes.NewReader(big), &azblob.UploadStreamOptions{BlockSize: 1 << 20})
	must(t, err)

	// DownloadBuffer with 1 MiB chunks: ranged GETs, later ones with If-Match.
	got := make([]byte, len(big))
	n, err := c.DownloadBuffer(ctx, "photos", "big.bin", got, &azblob.DownloadBufferOptions{BlockSize: 1 << 20, Concurrency: 3})
	must(t, err)
	if n != int64(len(big)) || !bytes.Equal(got, big) {
		t.Fatalf("DownloadBuffer: %d bytes, equal=%v", n, bytes.Equal(got, big))
	}
	f := filepath.Join(t.TempDir(), "big.bin")
	fh, err := os.Create(f)
	must(t, err)
	_, err = c.DownloadFile(ctx, "photos", "big.bin", fh, &azblob.DownloadFileOptions{BlockSize: 1 << 20})
	fh.Close()
	must(t, err)
	if onDisk, _ := os.ReadFile(f); !bytes.Equal(onDisk, big) {
		t.Fatal("DownloadFile content differs")
	}

	bc := c.ServiceClient().NewContainerClient("photos").NewBlobClient("dir/hello world.txt")
	props, err := bc.GetProperties(ctx, nil)
	must(t, err)
	if *props.ContentLength != int64(len(small)) || *props.ContentType != "text/plain" || *props.BlobType != blob.BlobTypeBlockBlob ||
		props.Metadata["Owner"] == nil || *props.Metadata["Owner"] != "alice" || len(props.ContentMD5) != 16 {
		t.Fatalf("properties: %+v", props)
	}

	// A ranged read: 206 with the right bytes.
	dr, err := bc.DownloadStream(ctx, &blob.DownloadStreamOptions{Range: blob.HTTPRange{Offset: 7, Count: 7}})
	must(t, err)
	part, _ := io.ReadAll(dr.Body)
	dr.Body.Close()
	if string(part) != "lanyard" || *dr.ContentRange != "bytes 7-13/14" {
		t.Fatalf("range: %q %v", part, *dr.ContentRange)
	}

	// Conditional requests against a stale ETag.
	stale := azcore.ETag(`"0xDEADBEEF"`)
	_, err = bc.DownloadStream(ctx, &blob.DownloadStreamOptions{AccessConditions: &blob.AccessConditions{
		ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: &stale}}})
	wantCode(t, err, bloberror.ConditionNotMet)
	_, err = bc.SetMetadata(ctx, map[string]*string{"x": to.Ptr("1")}, &blob.SetMetadataOptions{AccessConditions: &blob.AccessConditions{
		ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: &stale}}})
	wantCode(t, err, bloberror.ConditionNotMet)

	// Metadata and properties.
	_, err = bc.SetMetadata(ctx, map[string]*string{"Stage": to.Ptr("done")}, &blob.SetMetadataOptions{AccessConditions: &blob.AccessConditions{
		ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: props.ETag}}})
	must(t, err)
	_, err = bc.SetHTTPHeaders(ctx, blob.HTTPHeaders{BlobContentType: to.Ptr("text/markdown"), BlobCacheControl: to.Ptr("no-cache")}, nil)
	must(t, err)
	props2, err := bc.GetProperties(ctx, nil)
	must(t, err)
	if *props2.ContentType != "text/markdown" || *props2.CacheControl != "no-cache" || *props2.Metadata["Stage"] != "done" ||
		props2.Metadata["Owner"] != nil || *props2.ETag == *props.ETag {
		t.Fatalf("after set: %+v", props2)
	}

	// Listing, flat and hierarchical, two at a time.
	for _, name := range []string{"dir/a.txt", "dir/sub/b.txt", "z.txt"} {
		_, err = c.UploadBuffer(ctx, "photos", name, []byte(name), nil)
		must(t, err)
	}
	var flat []string
	pager := c.NewListBlobsFlatPager("photos", &azblob.ListBlobsFlatOptions{MaxResults: to.Ptr(int32(2)), Include: azblob.ListBlobsInclude{Metadata: true}})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		must(t, err)
		if len(page.Segment.BlobItems) > 2 {
			t.Fatalf("page of %d", len(page.Segment.BlobItems))
		}
		for _, b := range page.Segment.BlobItems {
			flat = append(flat, *b.Name)
		}
	}
	wantFlat := []string{"big.bin", "dir/a.txt", "dir/hello world.txt", "dir/sub/b.txt", "z.txt"}
	if !slices.Equal(flat, wantFlat) {
		t.Fatalf("flat = %q, want %q", flat, wantFlat)
	}
	cc := c.ServiceClient().NewContainerClient("photos")
	var names, prefixes []string
	hp := cc.NewListBlobsHierarchyPager("/", &container.ListBlobsHierarchyOptions{Prefix: to.Ptr("dir/"), MaxResults: to.Ptr(int32(2))})
	for hp.More() {
		page, err := hp.NextPage(ctx)
		must(t, err)
		for _, b := range page.Segment.BlobItems {
			names = append(names, *b.Name)
		}
		for _, p := range page.Segment.BlobPrefixes {
			prefixes = append(prefixes, *p.Name)
		}
	}
	if !slices.Equal(names, []string{"dir/a.txt", "dir/hello world.txt"}) || !slices.Equal(prefixes, []string{"dir/sub/"}) {
		t.Fatalf("hierarchy: blobs %q prefixes %q", names, prefixes)
	}

	// Containers list with metadata.
	var ctrs []string
	cp := c.NewListContainersPager(&azblob.ListContainersOptions{Include: azblob.ListContainersInclude{Metadata: true}})
	for cp.More() {
		page, err := cp.NextPage(ctx)
		must(t, err)
		for _, it := range page.ContainerItems {
			ctrs = append(ctrs, *it.Name)
			if *it.Name == "photos" && (it.Metadata["team"] == nil || *it.Metadata["team"] != "infra") {
				t.Errorf("container metadata %v", it.Metadata)
			}
		}
	}
	if !slices.Equal(ctrs, []string{"photos"}) {
		t.Fatalf("containers %q", ctrs)
	}

	// Deletes and the not-found codes, on GET and on HEAD.
	_, err = c.DeleteBlob(ctx, "photos", "z.txt", nil)
	must(t, err)
	_, err = c.ServiceClient().NewContainerClient("photos").NewBlobClient("z.txt").GetProperties(ctx, nil)
	wantCode(t, err, bloberror.BlobNotFound)
	_, err = c.DownloadStream(ctx, "photos", "z.txt", nil)
	wantCode(t, err, bloberror.BlobNotFound)
	_, err = c.ServiceClient().NewContainerClient("nosuch").GetProperties(ctx, nil)
	wantCode(t, err, bloberror.ContainerNotFound)
	_, err = c.UploadBuffer(ctx, "nosuch", "x", []byte("x"), nil)
	wantCode(t, err, bloberror.ContainerNotFound)
	_, err = c.DeleteContainer(ctx, "photos", nil)
	must(t, err)
	_, err = c.DownloadStream(ctx, "photos", "big.bin", nil)
	wantCode(t, err, bloberror.ContainerNotFound)
}

func TestSDKEmptyBlob(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(e.principal(contributorOID, "Storage Blob Data Contributor", accountID))
	_, err := c.CreateContainer(ctx, "data", nil)
	must(t, err)
	_, err = c.UploadBuffer(ctx, "data", "empty", nil, nil)
	must(t, err)
	n, err := c.DownloadBuffer(ctx, "data", "empty", make([]byte, 0), nil)
	if err != nil || n != 0 {
		t.Fatalf("empty download: %d, %v", n, err)
	}
}

// TestSDKAuthorization: roles decide, denials name the missing action.
func TestSDKAuthorization(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.client(e.principal(contributorOID, "Storage Blob Data Contributor", accountID))
	_, err := owner.CreateContainer(ctx, "shared", nil)
	must(t, err)
	_, err = owner.UploadBuffer(ctx, "shared", "a.txt", []byte("a"), nil)
	must(t, err)

	reader := e.client(e.principal(readerOID, "Storage Blob Data Reader", accountID+"/blobServices/default/containers/shared"))
	var buf [1]byte
	_, err = reader.DownloadBuffer(ctx, "shared", "a.txt", buf[:], nil)
	must(t, err)
	pager := reader.NewListBlobsFlatPager("shared", nil)
	_, err = pager.NextPage(ctx)
	must(t, err)
	_, err = reader.UploadBuffer(ctx, "shared", "b.txt", []byte("b"), nil)
	wantCode(t, err, bloberror.AuthorizationPermissionMismatch)
	if !strings.Contains(err.Error(), "blobs/write") {
		t.Errorf("denial does not name blobs/write: %v", err)
	}
	_, err = reader.CreateContainer(ctx, "mine", nil)
	wantCode(t, err, bloberror.AuthorizationPermissionMismatch)
	// Checked against the control-plane container action, as Azure does.
	if !strings.Contains(err.Error(), "lacks the action Microsoft.Storage/storageAccounts/blobServices/containers/write") {
		t.Errorf("container denial does not name containers/write as an action: %v", err)
	}
	_, err = reader.DeleteBlob(ctx, "shared", "a.txt", nil)
	wantCode(t, err, bloberror.AuthorizationPermissionMismatch)

	stranger := e.client(e.principal(strangerOID, "", ""))
	_, err = stranger.ServiceClient().NewContainerClient("shared").NewBlobClient("a.txt").GetProperties(ctx, nil)
	wantCode(t, err, bloberror.AuthorizationPermissionMismatch) // on HEAD: the header alone carries it

	// A token for another audience is refused with 401.
	wrong := e.client(e.token(contributorOID, "https://vault.azure.net"))
	_, err = wrong.DownloadStream(ctx, "shared", "a.txt", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 401 || re.ErrorCode != "InvalidAuthenticationInfo" {
		t.Fatalf("wrong audience: %v", err)
	}
}

// TestSDKAddOnly: blobs/add/action creates new blobs but cannot overwrite.
func TestSDKAddOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.client(e.principal(contributorOID, "Storage Blob Data Contributor", accountID))
	_, err := owner.CreateContainer(ctx, "drop", nil)
	must(t, err)
	must(t, e.customRole(readerOID, "Blob Adder", blobsAdd, accountID))
	adder := e.client(e.token(readerOID, storageAud))

	_, err = adder.UploadBuffer(ctx, "drop", "new.txt", []byte("v1"), nil)
	must(t, err)
	_, err = adder.UploadBuffer(ctx, "drop", "new.txt", []byte("v2"), nil)
	wantCode(t, err, bloberror.UnauthorizedBlobOverwrite)
	big := make([]byte, 2<<20+1)
	_, err = adder.UploadStream(ctx, "drop", "stream.bin", bytes.NewReader(big), &azblob.UploadStreamOptions{BlockSize: 1 << 20})
	must(t, err)
	_, err = adder.UploadStream(ctx, "drop", "stream.bin", bytes.NewReader(big), &azblob.UploadStreamOptions{BlockSize: 1 << 20})
	wantCode(t, err, bloberror.UnauthorizedBlobOverwrite)

	dr, err := owner.DownloadStream(ctx, "drop", "new.txt", nil)
	must(t, err)
	v, _ := io.ReadAll(dr.Body)
	dr.Body.Close()
	if string(v) != "v1" {
		t.Fatalf("overwritten: %q", v)
	}
	// Create-only writes by a full writer: If-None-Match: * on an existing blob.
	_, err = owner.ServiceClient().NewContainerClient("drop").NewBlockBlobClient("new.txt").Upload(ctx,
		nopSeeker{bytes.NewReader([]byte("v3"))}, &blockblob.UploadOptions{AccessConditions: &blob.AccessConditions{
			ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfNoneMatch: to.Ptr(azcore.ETagAny)}}})
	wantCode(t, err, bloberror.BlobAlreadyExists)
}

type nopSeeker struct{ *bytes.Reader }

func (nopSeeker) Close() error { return nil }
