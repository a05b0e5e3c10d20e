package arm

import (
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
)

// Request is an ARM request after routing.
type Request struct {
	*http.Request
	// ID is the addressed resource; for a collection request (a list, or a
	// PUT/GET on a collection path) it is the parent scope.
	ID scope.ID
	// Type is the addressed resource type, e.g. "Microsoft.Web/sites".
	Type string
	// Action is the last path segment of a POST action
	// (".../config/appsettings/list" → "list"); "" otherwise.
	Action string
}

// HandlerFunc serves one routed ARM request.
type HandlerFunc func(w http.ResponseWriter, r *Request)

// Route kinds.
const (
	KindItem       = "item"       // method on one resource: GET, PUT, PATCH, DELETE
	KindCollection = "collection" // method on a type's collection: GET (list)
	KindAction     = "action"     // POST {id}/{action}
)

type routeKey struct{ method, kind, typ, action string }

type route struct {
	h        HandlerFunc
	typ      string
	versions []string
}

// Router dispatches ARM paths. It is configured before serving and read-only
// afterwards.
type Router struct {
	routes map[routeKey]route
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{routes: map[routeKey]route{}} }

// Handle registers h for method on single resources of resourceType.
// versions lists the accepted api-versions (nil: any well-formed one).
func (rt *Router) Handle(method, resourceType string, versions []string, h HandlerFunc) {
	rt.add(routeKey{method, KindItem, strings.ToLower(resourceType), ""}, resourceType, versions, h)
}

// HandleCollection registers h for method on collections of resourceType.
func (rt *Router) HandleCollection(method, resourceType string, versions []string, h HandlerFunc) {
	rt.add(routeKey{method, KindCollection, strings.ToLower(resourceType), ""}, resourceType, versions, h)
}

// HandleAction registers h for POST {id}/{action} where id has resourceType.
func (rt *Router) HandleAction(resourceType, action string, versions []string, h HandlerFunc) {
	rt.add(routeKey{http.MethodPost, KindAction, strings.ToLower(resourceType), strings.ToLower(action)}, resourceType, versions, h)
}

func (rt *Router) add(k routeKey, typ string, versions []string, h HandlerFunc) {
	if _, dup := rt.routes[k]; dup {
		panic("arm: duplicate route " + k.method + " " + k.kind + " " + k.typ + " " + k.action)
	}
	rt.routes[k] = route{h: h, typ: typ, versions: versions}
}

// ServeHTTP routes by parsing the path as a resource ID.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	var (
		id     scope.ID
		typ    string
		kind   = KindItem
		action string
		err    error
	)
	if r.Method == http.MethodPost {
		i := strings.LastIndexByte(strings.TrimSuffix(path, "/"), '/')
		if i <= 0 {
			WriteError(w, r, BadRequest("InvalidResourceId", "The resource path %q is not valid.", path))
			return
		}
		action = strings.TrimSuffix(path[i+1:], "/")
		id, err = scope.Parse(path[:i])
		typ, kind = id.Type(), KindAction
	} else {
		id, typ, err = scope.ParseCollection(path)
		if err == nil {
			if typ != "" {
				kind = KindCollection
			} else {
				typ = id.Type()
			}
		}
	}
	if err != nil {
		WriteError(w, r, BadRequest("InvalidResourceId", "%v", err))
		return
	}
	rte, ok := rt.routes[routeKey{r.Method, kind, strings.ToLower(typ), strings.ToLower(action)}]
	if !ok {
		if rt.knowsType(typ) {
			WriteError(w, r, Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The %s method is not supported for %s resources.", r.Method, typ))
			return
		}
		WriteError(w, r, BadRequest("InvalidResourceType", "The resource type '%s' could not be found.", typ))
		return
	}
	if err := CheckAPIVersion(r, rte.typ, rte.versions); err != nil {
		WriteError(w, r, err)
		return
	}
	rte.h(w, &Request{Request: r, ID: id, Type: rte.typ, Action: action})
}

func (rt *Router) knowsType(typ string) bool {
	lt := strings.ToLower(typ)
	for k := range rt.routes {
		if k.typ == lt {
			return true
		}
	}
	return false
}
