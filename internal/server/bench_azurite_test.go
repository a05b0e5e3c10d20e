package server_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
)

// BenchmarkBlob runs the same azblob client code against Azurite (the
// official Azure Storage emulator, basic OAuth: the token is decoded but its
// signature is not checked and there are no roles) and against Lanyard
// (every request verifies the RS256 token and checks the data action
// through RBAC). Sub-benchmark names line up for benchstat:
//
//	go test ./internal/server -run '^$' -bench 'Blob/.*/(upload|download)-(1KiB|1MiB)|Blob/.*/list' -count 3
//	go test ./internal/server -run '^$' -bench 'Blob/.*/256MiB' -benchtime 3x -count 3
func BenchmarkBlob(b *testing.B) {
	b.Run("azurite", func(b *testing.B) {
		a := startAzurite(b)
		client, err := azblob.NewClient(a.url, staticToken{azuriteToken(b)},
			&azblob.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: a.client}})
		if err != nil {
			b.Fatal(err)
		}
		benchBlobOps(b, client)
	})
	b.Run("lanyard", func(b *testing.B) {
		l := startLanyardBench(b)
		acct := decode(b, mustRun(b, "storage", "account", "create", "-g", l.rg, "-n", "benchstore"))
		mustRun(b, "role", "assignment", "create", "--assignee", l.appID, "--role", "Storage Blob Data Contributor", "--scope", str(acct, "id"))
		client, err := azblob.NewClient(str(acct, "properties", "primaryEndpoints", "blob"), l.cred,
			&azblob.ClientOptions{ClientOptions: l.clientOpts})
		if err != nil {
			b.Fatal(err)
		}
		benchBlobOps(b, client)
	})
}

// blobSizes are the payloads of the upload and download rows. 256 MiB is
// the largest blob UploadBuffer sends as one Put Blob.
var blobSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"1MiB", 1 << 20}, {"256MiB", 256 << 20}}

// listBlobs is how many blobs the list row pages through.
const listBlobs = 10_000

// benchBlobOps is the client code both servers run: it never branches on
// which server it talks to.
func benchBlobOps(b *testing.B, client *azblob.Client) {
	ctx := context.Background()
	for _, c := range []string{"bench", "list"} {
		if _, err := client.CreateContainer(ctx, c, nil); err != nil {
			b.Fatalf("create container %s: %v", c, err)
		}
	}
	for _, sz := range blobSizes {
		b.Run("upload-"+sz.name, func(b *testing.B) {
			data := payload(sz.n)
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				if _, err := client.UploadBuffer(ctx, "bench", "up-"+sz.name, data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, sz := range blobSizes {
		b.Run("download-"+sz.name, func(b *testing.B) {
			data := payload(sz.n)
			name := "down-" + sz.name
			if _, err := client.UploadBuffer(ctx, "bench", name, data, nil); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, sz.n)
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				n, err := client.DownloadBuffer(ctx, "bench", name, buf, nil)
				if err != nil || n != int64(sz.n) {
					b.Fatalf("download %s: %d bytes, %v", name, n, err)
				}
			}
			if !bytes.Equal(buf, data) {
				b.Fatalf("downloaded %s differs from what was uploaded", name)
			}
		})
	}
	b.Run("list-10k", func(b *testing.B) {
		fill(b, client, "list", listBlobs)
		for b.Loop() {
			if n := listAll(b, client, "list"); n != listBlobs {
				b.Fatalf("listed %d blobs, want %d", n, listBlobs)
			}
		}
		b.ReportMetric(float64(listBlobs)*float64(b.N)/b.Elapsed().Seconds(), "blobs/s")
	})
}

// fill creates n small blobs in container with 32 uploads in flight; it
// runs before the timed loop.
func fill(b *testing.B, client *azblob.Client, container string, n int) {
	b.Helper()
	ctx := context.Background()
	names := make(chan string)
	errs := make(chan error, 32)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for name := range names {
				if _, err := client.UploadBuffer(ctx, container, name, []byte(name), nil); err != nil {
					errs <- fmt.Errorf("upload %s: %w", name, err)
					return
				}
			}
		})
	}
	for i := range n {
		select {
		case names <- fmt.Sprintf("dir%02d/blob-%05d.txt", i%50, i):
		case err := <-errs:
			close(names)
			b.Fatal(err)
		}
	}
	close(names)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// listAll pages through container with the SDK's default page size.
func listAll(b *testing.B, client *azblob.Client, container string) int {
	n := 0
	pager := client.NewListBlobsFlatPager(container, nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		n += len(page.Segment.BlobItems)
	}
	return n
}

// payload is n pseudo-random bytes (incompressible, so no layer can cheat).
func payload(n int) []byte {
	p := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{'l', 'a', 'n', 'y', 'a', 'r', 'd'}).Read(p)
	return p
}
