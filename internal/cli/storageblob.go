package cli

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/spf13/cobra"
)

var (
	containerColumns = cols("Name=name", "LastModified=properties.lastModified")
	blobColumns      = cols("Name=name", "ContentLength=properties.contentLength", "ContentType=properties.contentType", "LastModified=properties.lastModified")
)

// containerOut and blobOut are what the commands print, shaped like az's.
type containerOut struct {
	Name       string         `json:"name"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	Properties struct {
		ETag         string     `json:"etag,omitempty"`
		LastModified *time.Time `json:"lastModified,omitempty"`
	} `json:"properties"`
}

type blobOut struct {
	Name       string         `json:"name"`
	Container  string         `json:"container"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	Properties blobProps      `json:"properties"`
}

type blobProps struct {
	ContentLength *int64     `json:"contentLength,omitempty"`
	ContentType   string     `json:"contentType,omitempty"`
	ETag          string     `json:"etag,omitempty"`
	LastModified  *time.Time `json:"lastModified,omitempty"`
	BlobType      string     `json:"blobType,omitempty"`
}

// containerName is Azure's rule; checking it here gives a clear message and
// sends nothing for a name the service would refuse.
var containerName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)

// blobTarget is the flags every blob and container command shares.
type blobTarget struct {
	account, group, container, name string
}

func (bt *blobTarget) bind(cmd *cobra.Command, containerFlag string) {
	f := cmd.Flags()
	f.StringVar(&bt.account, "account-name", "", "storage account name")
	f.StringVarP(&bt.group, "resource-group", "g", "", "the account's resource group (default: find the account by name in the subscription)")
	_ = cmd.MarkFlagRequired("account-name")
	if containerFlag == "name" {
		f.StringVarP(&bt.container, "name", "n", "", "container name")
		_ = cmd.MarkFlagRequired("name")
	} else if containerFlag == "container" {
		f.StringVarP(&bt.container, "container-name", "c", "", "container name")
		_ = cmd.MarkFlagRequired("container-name")
	}
}

// blobClient validates the names, then resolves the account and builds the
// SDK client; it sends nothing when a name is invalid.
func (a *app) blobClient(ctx context.Context, c *client, bt blobTarget) (*azblob.Client, error) {
	if bt.container != "" && !containerName.MatchString(bt.container) {
		return nil, fmt.Errorf("%q is not a valid container name (3-63 lower-case letters, digits and single hyphens)", bt.container)
	}
	conn, err := a.connect(ctx, c, storageType, bt.group, bt.account, "properties.primaryEndpoints.blob", storageAudience)
	if err != nil {
		return nil, err
	}
	return azblob.NewClient(conn.endpoint, conn.cred, &azblob.ClientOptions{ClientOptions: conn.opts})
}

func checkBlobName(name string) error {
	if name == "" || len(name) > 1024 {
		return fmt.Errorf("%q is not a valid blob name (1-1024 characters)", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q is not a valid blob name (control character)", name)
		}
	}
	return nil
}

func newStorageContainerCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "container", Short: "Manage blob containers (data plane)"}
	var create, show, del, list blobTarget
	createCmd := &cobra.Command{Use: "create", Short: "Create a container", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			bc, err := a.blobClient(ctx, c, create)
			if err != nil {
				return err
			}
			_, err = bc.CreateContainer(ctx, create.container, nil)
			created := err == nil
			if bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
				err = nil // az reports {"created": false}; scripts stay idempotent
			}
			if err != nil {
				return dataError(err)
			}
			return a.print(cmd.OutOrStdout(), map[string]bool{"created": created}, nil)
		})}
	create.bind(createCmd, "name")
	showCmd := &cobra.Command{Use: "show", Short: "Show a container's properties", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			bc, err := a.blobClient(ctx, c, show)
			if err != nil {
				return err
			}
			p, err := bc.ServiceClient().NewContainerClient(show.container).GetProperties(ctx, nil)
			if err != nil {
				return dataError(err)
			}
			out := containerOut{Name: show.container, Metadata: metadata(p.Metadata)}
			out.Properties.ETag, out.Properties.LastModified = etag(p.ETag), p.LastModified
			return a.print(cmd.OutOrStdout(), out, containerColumns)
		})}
	show.bind(showCmd, "name")
	listCmd := &cobra.Command{Use: "list", Short: "List the account's containers", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			bc, err := a.blobClient(ctx, c, list)
			if err != nil {
				return err
			}
			out := []containerOut{}
			for pager := bc.NewListContainersPager(&azblob.ListContainersOptions{Include: azblob.ListContainersInclude{Metadata: true}}); pager.More(); {
				page, err := pager.NextPage(ctx)
				if err != nil {
					return dataError(err)
				}
				for _, it := range page.ContainerItems {
					co := containerOut{Name: deref(it.Name), Metadata: metadata(it.Metadata)}
					if it.Properties != nil {
						co.Properties.ETag, co.Properties.LastModified = etag(it.Properties.ETag), it.Properties.LastModified
					}
					out = append(out, co)
				}
			}
			return a.print(cmd.OutOrStdout(), out, containerColumns)
		})}
	list.bind(listCmd, "")
	delCmd := &cobra.Command{Use: "delete", Short: "Delete a container and its blobs", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			bc, err := a.blobClient(ctx, c, del)
			if err != nil {
				return err
			}
			_, err = bc.DeleteContainer(ctx, del.container, nil)
			deleted := err == nil
			if bloberror.HasCode(err, bloberror.ContainerNotFound) {
				err = nil // as az: {"deleted": false}
			}
			if err != nil {
				return dataError(err)
			}
			return a.print(cmd.OutOrStdout(), map[string]bool{"deleted": deleted}, nil)
		})}
	del.bind(delCmd, "name")
	cmd.AddCommand(createCmd, showCmd, listCmd, delCmd)
	return cmd
}

func metadata(m map[string]*string) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deref(v)
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func etag(e *azcore.ETag) string { return string(deref(e)) }

// writeDownload streams body into file through a temporary file in the same
// directory, so a failed download never leaves a truncated file behind.
func writeDownload(file string, body io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".lanyard-download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename this fails harmlessly
	_, err = io.Copy(tmp, body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// contentType is --content-type, else guessed from the file's extension as
// az does, else the service default.
func contentType(flag, file string) string {
	if flag != "" {
		return flag
	}
	if t := mime.TypeByExtension(filepath.Ext(file)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func newStorageBlobCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "blob", Short: "Upload, download and manage blobs (data plane)"}
	var up, down, show, del, list blobTarget
	var upFile, upType, downFile, prefix string
	var overwrite bool
	uploadCmd := &cobra.Command{Use: "upload", Short: "Upload a file as a block blob", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkBlobName(up.name); err != nil {
				return err
			}
			f, err := os.Open(upFile)
			if err != nil {
				return fmt.Errorf("reading --file: %w", err)
			}
			defer f.Close()
			bc, err := a.blobClient(ctx, c, up)
			if err != nil {
				return err
			}
			opts := &azblob.UploadFileOptions{HTTPHeaders: &blob.HTTPHeaders{BlobContentType: new(contentType(upType, upFile))}}
			if !overwrite {
				// If-None-Match: * makes the service refuse to replace a blob.
				opts.AccessConditions = &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfNoneMatch: new(azcore.ETagAny)}}
			}
			resp, err := bc.UploadFile(ctx, up.container, up.name, f, opts)
			if bloberror.HasCode(err, bloberror.BlobAlreadyExists, bloberror.ConditionNotMet) {
				return fmt.Errorf("%w; pass --overwrite to replace it", dataError(err))
			}
			if err != nil {
				return dataError(err)
			}
			return a.print(cmd.OutOrStdout(), map[string]any{"etag": etag(resp.ETag), "lastModified": resp.LastModified}, nil)
		})}
	up.bind(uploadCmd, "container")
	uploadCmd.Flags().StringVarP(&up.name, "name", "n", "", "blob name")
	uploadCmd.Flags().StringVarP(&upFile, "file", "f", "", "file to upload")
	uploadCmd.Flags().StringVar(&upType, "content-type", "", "content type (default: from the file extension)")
	uploadCmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace an existing blob")
	_ = uploadCmd.MarkFlagRequired("name")
	_ = uploadCmd.MarkFlagRequired("file")

	downloadCmd := &cobra.Command{Use: "download", Short: "Download a blob to a file", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkBlobName(down.name); err != nil {
				return err
			}
			bc, err := a.blobClient(ctx, c, down)
			if err != nil {
				return err
			}
			resp, err := bc.DownloadStream(ctx, down.container, down.name, nil)
			if err != nil {
				return dataError(err)
			}
			defer resp.Body.Close()
			if err := writeDownload(downFile, resp.Body); err != nil {
				return fmt.Errorf("writing %s: %w", downFile, dataError(err))
			}
			out := blobOut{Name: down.name, Container: down.container, Metadata: metadata(resp.Metadata), Properties: blobProps{
				ContentLength: resp.ContentLength, ContentType: deref(resp.ContentType), ETag: etag(resp.ETag),
				LastModified: resp.LastModified, BlobType: string(deref(resp.BlobType)),
			}}
			return a.print(cmd.OutOrStdout(), out, blobColumns)
		})}
	down.bind(downloadCmd, "container")
	downloadCmd.Flags().StringVarP(&down.name, "name", "n", "", "blob name")
	downloadCmd.Flags().StringVarP(&downFile, "file", "f", "", "file to write (replaced if it exists)")
	_ = downloadCmd.MarkFlagRequired("name")
	_ = downloadCmd.MarkFlagRequired("file")

	listCmd := &cobra.Command{Use: "list", Short: "List the blobs in a container", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			bc, err := a.blobClient(ctx, c, list)
			if err != nil {
				return err
			}
			out := []blobOut{}
			opts := &azblob.ListBlobsFlatOptions{Include: azblob.ListBlobsInclude{Metadata: true}}
			if prefix != "" {
				opts.Prefix = &prefix
			}
			for pager := bc.NewListBlobsFlatPager(list.container, opts); pager.More(); {
				page, err := pager.NextPage(ctx)
				if err != nil {
					return dataError(err)
				}
				for _, it := range page.Segment.BlobItems {
					bo := blobOut{Name: deref(it.Name), Container: list.container, Metadata: metadata(it.Metadata)}
					if p := it.Properties; p != nil {
						bo.Properties = blobProps{ContentLength: p.ContentLength, ContentType: deref(p.ContentType),
							ETag: etag(p.ETag), LastModified: p.LastModified, BlobType: string(deref(p.BlobType))}
					}
					out = append(out, bo)
				}
			}
			return a.print(cmd.OutOrStdout(), out, blobColumns)
		})}
	list.bind(listCmd, "container")
	listCmd.Flags().StringVar(&prefix, "prefix", "", "only blobs whose names start with this")

	showCmd := &cobra.Command{Use: "show", Short: "Show a blob's properties", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkBlobName(show.name); err != nil {
				return err
			}
			bc, err := a.blobClient(ctx, c, show)
			if err != nil {
				return err
			}
			p, err := bc.ServiceClient().NewContainerClient(show.container).NewBlobClient(show.name).GetProperties(ctx, nil)
			if err != nil {
				return dataError(err)
			}
			out := blobOut{Name: show.name, Container: show.container, Metadata: metadata(p.Metadata), Properties: blobProps{
				ContentLength: p.ContentLength, ContentType: deref(p.ContentType), ETag: etag(p.ETag),
				LastModified: p.LastModified, BlobType: string(deref(p.BlobType)),
			}}
			return a.print(cmd.OutOrStdout(), out, blobColumns)
		})}
	show.bind(showCmd, "container")
	showCmd.Flags().StringVarP(&show.name, "name", "n", "", "blob name")
	_ = showCmd.MarkFlagRequired("name")

	delCmd := &cobra.Command{Use: "delete", Short: "Delete a blob", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkBlobName(del.name); err != nil {
				return err
			}
			bc, err := a.blobClient(ctx, c, del)
			if err != nil {
				return err
			}
			_, err = bc.DeleteBlob(ctx, del.container, del.name, nil)
			return dataError(err)
		})}
	del.bind(delCmd, "container")
	delCmd.Flags().StringVarP(&del.name, "name", "n", "", "blob name")
	_ = delCmd.MarkFlagRequired("name")

	cmd.AddCommand(uploadCmd, downloadCmd, listCmd, showCmd, delCmd)
	return cmd
}
