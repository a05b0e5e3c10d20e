package rbac

import "github.com/lanyardhq/lanyard/internal/store"

// Data-plane roles. Source: MicrosoftDocs/azure-docs
// articles/role-based-access-control/built-in-roles/storage.md (queue and
// table roles read from the JSON blocks there), security.md (Key Vault
// Administrator, Key Vault Reader), integration.md (Service Bus) and
// design/ROLES.md for the blob, secrets and Service Bus rows.

const (
	sa = "Microsoft.Storage/storageAccounts"
	kv = "Microsoft.KeyVault"
)

func storageRoles() []store.RoleDefinition {
	const blob = sa + "/blobServices"
	const queue = sa + "/queueServices/queues"
	const table = sa + "/tableServices/tables"
	return []store.RoleDefinition{
		{
			ID:          StorageBlobDataOwnerID,
			RoleName:    "Storage Blob Data Owner",
			Description: "Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.",
			Permissions: perm(
				[]string{blob + "/containers/*", blob + "/generateUserDelegationKey/action"}, nil,
				[]string{blob + "/containers/blobs/*"}, nil),
		},
		{
			ID:          StorageBlobDataContributorID,
			RoleName:    "Storage Blob Data Contributor",
			Description: "Allows for read, write and delete access to Azure Storage blob containers and data",
			Permissions: perm(
				[]string{blob + "/containers/delete", blob + "/containers/read", blob + "/containers/write", blob + "/generateUserDelegationKey/action"}, nil,
				[]string{
					blob + "/containers/blobs/delete", blob + "/containers/blobs/read", blob + "/containers/blobs/write",
					blob + "/containers/blobs/move/action", blob + "/containers/blobs/add/action",
				}, nil),
		},
		{
			ID:          StorageBlobDataReaderID,
			RoleName:    "Storage Blob Data Reader",
			Description: "Allows for read access to Azure Storage blob containers and data",
			Permissions: perm(
				[]string{blob + "/containers/read", blob + "/generateUserDelegationKey/action"}, nil,
				[]string{blob + "/containers/blobs/read"}, nil),
		},
		{
			ID:          "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
			RoleName:    "Storage Queue Data Contributor",
			Description: "Allows for read, write, and delete access to Azure Storage queues and queue messages",
			Permissions: perm(
				[]string{queue + "/delete", queue + "/read", queue + "/write"}, nil,
				[]string{queue + "/messages/delete", queue + "/messages/read", queue + "/messages/write", queue + "/messages/process/action"}, nil),
		},
		{
			ID:          "8a0f0c08-91a1-4084-bc3d-661d67233fed",
			RoleName:    "Storage Queue Data Message Processor",
			Description: "Allows for peek, receive, and delete access to Azure Storage queue messages",
			Permissions: perm(nil, nil, []string{queue + "/messages/read", queue + "/messages/process/action"}, nil),
		},
		{
			ID:          "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
			RoleName:    "Storage Queue Data Message Sender",
			Description: "Allows for sending of Azure Storage queue messages",
			Permissions: perm(nil, nil, []string{queue + "/messages/add/action"}, nil),
		},
		{
			ID:          "19e7f393-937e-4f77-808e-94535e297925",
			RoleName:    "Storage Queue Data Reader",
			Description: "Allows for read access to Azure Storage queues and queue messages",
			Permissions: perm([]string{queue + "/read"}, nil, []string{queue + "/messages/read"}, nil),
		},
		{
			ID:          "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
			RoleName:    "Storage Table Data Contributor",
			Description: "Allows for read, write and delete access to Azure Storage tables and entities",
			Permissions: perm(
				[]string{table + "/read", table + "/write", table + "/delete"}, nil,
				[]string{
					table + "/entities/read", table + "/entities/write", table + "/entities/delete",
					table + "/entities/add/action", table + "/entities/update/action",
				}, nil),
		},
		{
			ID:          "76199698-9eea-4c19-bc75-cec21354c6b6",
			RoleName:    "Storage Table Data Reader",
			Description: "Allows for read access to Azure Storage tables and entities",
			Permissions: perm([]string{table + "/read"}, nil, []string{table + "/entities/read"}, nil),
		},
	}
}

// keyVaultControl is the control-plane set all four Key Vault RBAC roles carry.
func keyVaultControl() []string {
	return append(append([]string{}, monitoringBasics...),
		kv+"/checkNameAvailability/read",
		kv+"/deletedVaults/read",
		kv+"/locations/*/read",
		kv+"/vaults/*/read",
		kv+"/operations/read",
	)
}

const kvRBACOnly = " Only works for key vaults that use the 'Azure role-based access control' permission model."

func keyVaultRoles() []store.RoleDefinition {
	return []store.RoleDefinition{
		{
			ID:          KeyVaultAdministratorID,
			RoleName:    "Key Vault Administrator",
			Description: "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments." + kvRBACOnly,
			Permissions: perm(keyVaultControl(), nil, []string{kv + "/vaults/*"}, nil),
		},
		{
			ID:          KeyVaultReaderID,
			RoleName:    "Key Vault Reader",
			Description: "Read metadata of key vaults and its certificates, keys, and secrets. Cannot read sensitive values such as secret contents or key material." + kvRBACOnly,
			Permissions: perm(keyVaultControl(), nil, []string{kv + "/vaults/*/read", kv + "/vaults/secrets/readMetadata/action"}, nil),
		},
		{
			ID:          KeyVaultSecretsOfficerID,
			RoleName:    "Key Vault Secrets Officer",
			Description: "Perform any action on the secrets of a key vault, except manage permissions." + kvRBACOnly,
			Permissions: perm(keyVaultControl(), nil, []string{kv + "/vaults/secrets/*"}, nil),
		},
		{
			ID:          KeyVaultSecretsUserID,
			RoleName:    "Key Vault Secrets User",
			Description: "Read secret contents." + kvRBACOnly,
			Permissions: perm(nil, nil, []string{kv + "/vaults/secrets/getSecret/action", kv + "/vaults/secrets/readMetadata/action"}, nil),
		},
	}
}

func serviceBusRoles() []store.RoleDefinition {
	const sb = "Microsoft.ServiceBus"
	reads := []string{sb + "/*/queues/read", sb + "/*/topics/read", sb + "/*/topics/subscriptions/read"}
	return []store.RoleDefinition{
		{
			ID:          "090c5cfd-751d-490a-894a-3ce6f1109419",
			RoleName:    "Azure Service Bus Data Owner",
			Description: "Allows for full access to Azure Service Bus resources.",
			Permissions: perm([]string{sb + "/*"}, nil, []string{sb + "/*"}, nil),
		},
		{
			ID:          "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
			RoleName:    "Azure Service Bus Data Sender",
			Description: "Allows for send access to Azure Service Bus resources.",
			Permissions: perm(reads, nil, []string{sb + "/*/send/action"}, nil),
		},
		{
			ID:          "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
			RoleName:    "Azure Service Bus Data Receiver",
			Description: "Allows for receive access to Azure Service Bus resources.",
			Permissions: perm(reads, nil, []string{sb + "/*/receive/action"}, nil),
		},
	}
}
