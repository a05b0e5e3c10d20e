package credential

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const workloadName = "WorkloadIdentityCredential"

// WorkloadIdentityCredential exchanges a federated token (a Kubernetes
// service-account token, a CI job's OIDC token) for an access token: the
// file AZURE_FEDERATED_TOKEN_FILE is sent as the client assertion for
// AZURE_CLIENT_ID in AZURE_TENANT_ID.
type WorkloadIdentityCredential struct {
	client *confidentialClient
}

var _ azcore.TokenCredential = (*WorkloadIdentityCredential)(nil)

// NewWorkloadIdentityCredential reads the environment. The error is an
// *UnavailableError when a variable is missing.
func NewWorkloadIdentityCredential(opts *Options) (*WorkloadIdentityCredential, error) {
	o := opts.orZero()
	file := os.Getenv("AZURE_FEDERATED_TOKEN_FILE")
	tenant := firstNonEmpty(o.TenantID, os.Getenv("AZURE_TENANT_ID"))
	clientID := os.Getenv("AZURE_CLIENT_ID")
	const fix = "set AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID (Kubernetes workload identity sets them for annotated pods)"
	switch {
	case file == "":
		return nil, unavailable(workloadName, "AZURE_FEDERATED_TOKEN_FILE is not set", fix)
	case clientID == "":
		return nil, unavailable(workloadName, "AZURE_CLIENT_ID is not set", fix)
	case tenant == "":
		return nil, unavailable(workloadName, "AZURE_TENANT_ID is not set", fix)
	}
	endpoint, err := tokenEndpoint(workloadName, tenant)
	if err != nil {
		return nil, err
	}
	c := &confidentialClient{
		name: workloadName, endpoint: endpoint, clientID: clientID,
		transport: opts.transport(), now: opts.now(), cache: newTokenCache(opts.now()),
		// Re-read on every request: the platform rotates the file (a
		// projected token lives about an hour) and a stale copy would fail.
		assertion: func(context.Context) (string, error) {
			b, err := os.ReadFile(file)
			if err != nil {
				return "", &AuthenticationError{Credential: workloadName, Message: "reading AZURE_FEDERATED_TOKEN_FILE failed", Err: err}
			}
			// Sent as read, like azidentity; only an empty file is refused.
			if strings.TrimSpace(string(b)) == "" {
				return "", &AuthenticationError{Credential: workloadName, Message: fmt.Sprintf("the federated token file %s is empty", file)}
			}
			return string(b), nil
		},
	}
	return &WorkloadIdentityCredential{client: c}, nil
}

// GetToken implements azcore.TokenCredential.
func (w *WorkloadIdentityCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return w.client.GetToken(ctx, opts)
}
