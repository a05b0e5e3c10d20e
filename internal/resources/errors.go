package resources

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
)

func subscriptionNotFound(sub string) *arm.Error {
	return arm.Errorf(http.StatusNotFound, "SubscriptionNotFound", "The subscription '%s' could not be found.", sub)
}

func groupNotFound(group string) *arm.Error {
	return arm.Errorf(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", group)
}

func resourceNotFound(typ, name, group string) *arm.Error {
	return arm.NotFound("The Resource '%s/%s' under resource group '%s' was not found.", typ, name, group)
}

var errLocationRequired = arm.BadRequest("LocationRequired", "The location property is required for this definition.")

func invalidID(format string, args ...any) *arm.Error {
	return arm.BadRequest("InvalidResourceId", format, args...)
}

var errBadProperties = arm.BadRequest("InvalidRequestContent", "The 'properties' value must be a JSON object.")
