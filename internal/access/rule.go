package access

import (
	"context"
	"net/http"
)

type ruleKind int

const (
	rulePublic ruleKind = iota + 1
	ruleLoggedIn
	ruleStaff
	rulePerm
	rulePermOn
	ruleDelegated
)

// Rule is what a web route requires of the request's Subject. Every route
// declares one; the zero Rule is invalid and the router refuses it, so a
// route cannot be registered without a decision. Build rules with Public,
// LoggedIn, StaffOnly, Perm, PermOn or Delegated.
type Rule struct {
	kind      ruleKind
	perm      Permission
	object    ObjectLoader
	why       string
	noSession bool
}

// Public lets everybody in, anonymous included (landing page, static
// pages). The session is still read, so the page may adapt to a logged-in
// user.
func Public() Rule { return Rule{kind: rulePublic} }

// LoggedIn requires an active logged-in account, whatever its role.
func LoggedIn() Rule { return Rule{kind: ruleLoggedIn} }

// StaffOnly requires an active staff or superuser account (support and
// operations pages).
func StaffOnly() Rule { return Rule{kind: ruleStaff} }

// Perm requires a logged-in account whose current role holds p (no
// object: creation screens, lists whose rows are scoped anyway).
func Perm(p Permission) Rule {
	if p == "" {
		panic("access.Perm : permission vide")
	}
	return Rule{kind: rulePerm, perm: p}
}

// PermOn requires p AND the request's object (found by o) in the
// subject's scope. A missing or out-of-scope object answers 404, never
// 403, so its existence is not revealed. The object is put in the request
// context (ObjectFrom, ConventionFrom).
func PermOn(p Permission, o ObjectLoader) Rule {
	if p == "" || o == nil {
		panic("access.PermOn : permission et chargeur d'objet obligatoires")
	}
	return Rule{kind: rulePermOn, perm: p, object: o}
}

// Delegated marks a route that authenticates its callers itself (the SIAP
// API with its JWT, the CAS callback): the router loads no session and
// checks nothing; why says who checks. The permission matrix still lists
// such routes with their expected answers.
func Delegated(why string) Rule {
	if why == "" {
		panic("access.Delegated : précisez qui contrôle l'accès")
	}
	return Rule{kind: ruleDelegated, why: why, noSession: true}
}

// WithoutSession returns a copy of a Public rule that does not even read
// the session (static files, probes, metrics): no database round trip and
// no cookie refresh on these requests. Only Public rules may drop the
// session: every other rule needs to know who asks.
func (r Rule) WithoutSession() Rule {
	if r.kind != rulePublic {
		panic("access.Rule.WithoutSession : réservé aux règles Public")
	}
	r.noSession = true
	return r
}

// Valid reports whether the rule was built by one of the constructors.
func (r Rule) Valid() bool { return r.kind != 0 }

// NeedsSession reports whether the router must load the session and the
// Subject before checking the rule.
func (r Rule) NeedsSession() bool { return r.Valid() && !r.noSession }

// Permission is the permission the rule asks for, "" when none.
func (r Rule) Permission() Permission { return r.perm }

// String describes the rule, for logs, the route table and test names.
func (r Rule) String() string {
	switch r.kind {
	case rulePublic:
		if r.noSession {
			return "public (sans session)"
		}
		return "public"
	case ruleLoggedIn:
		return "connecté"
	case ruleStaff:
		return "staff"
	case rulePerm:
		return "permission " + string(r.perm)
	case rulePermOn:
		return "permission " + string(r.perm) + " sur " + r.object.Name()
	case ruleDelegated:
		return "contrôle délégué (" + r.why + ")"
	}
	return "règle invalide"
}

// Outcome is the answer of a rule for one request.
type Outcome int

const (
	// Allowed: serve the request.
	Allowed Outcome = iota + 1
	// LoginRequired: nobody is logged in; send to the login page.
	LoginRequired
	// Forbidden: logged in, but the role lacks the permission (403).
	Forbidden
	// NotFound: the object does not exist or lies outside the scope (404).
	NotFound
)

func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "autorisé"
	case LoginRequired:
		return "connexion requise"
	case Forbidden:
		return "interdit"
	case NotFound:
		return "introuvable"
	}
	return "?"
}

// Check evaluates the rule for subject s on request req. The permission is
// checked before the object: a role without the permission gets 403
// whatever the object, which reveals nothing about it. obj is the loaded
// object of a PermOn rule when Allowed.
func (r Rule) Check(ctx context.Context, q Querier, s *Subject, req *http.Request) (out Outcome, obj any, err error) {
	switch r.kind {
	case rulePublic, ruleDelegated:
		return Allowed, nil, nil
	}
	if s.Anonymous() || !s.IsActive {
		return LoginRequired, nil, nil
	}
	switch r.kind {
	case ruleLoggedIn:
		return Allowed, nil, nil
	case ruleStaff:
		if s.IsStaff || s.IsSuperuser {
			return Allowed, nil, nil
		}
		return Forbidden, nil, nil
	case rulePerm:
		if Can(s, r.perm) {
			return Allowed, nil, nil
		}
		return Forbidden, nil, nil
	case rulePermOn:
		if !Can(s, r.perm) {
			return Forbidden, nil, nil
		}
		obj, visible, err := r.object.Load(ctx, q, s, req)
		if err != nil {
			return 0, nil, err
		}
		if !visible {
			return NotFound, nil, nil
		}
		return Allowed, obj, nil
	}
	panic("access.Rule.Check : règle invalide (construite sans access.Public, LoggedIn, Perm...)")
}

// ObjectLoader finds the object a request is about and says whether the
// subject may see it.
type ObjectLoader interface {
	// Name names the kind of object ("convention"), for the route table.
	Name() string
	// Load returns the object and visible=true when it exists and lies
	// in s's scope; visible=false otherwise (malformed identifiers
	// included). err is for database failures only.
	Load(ctx context.Context, q Querier, s *Subject, r *http.Request) (obj any, visible bool, err error)
}

// ConventionFromPath loads the convention whose uuid is the path value
// named param (e.g. "uuid" for "GET /conventions/recapitulatif/{uuid}").
// The object is a *ConventionRef.
func ConventionFromPath(param string) ObjectLoader { return conventionLoader{param} }

type conventionLoader struct{ param string }

func (l conventionLoader) Name() string { return "convention {" + l.param + "}" }

func (l conventionLoader) Load(ctx context.Context, q Querier, s *Subject, r *http.Request) (any, bool, error) {
	c, err := VisibleConvention(ctx, q, s, r.PathValue(l.param))
	if err != nil || c == nil {
		return nil, false, err
	}
	return c, true, nil
}

type objectKey struct{}

// WithObject returns a context carrying the object a rule loaded.
func WithObject(ctx context.Context, obj any) context.Context {
	return context.WithValue(ctx, objectKey{}, obj)
}

// ConventionFrom returns the convention loaded by the route's PermOn rule
// (ConventionFromPath), nil otherwise.
func ConventionFrom(ctx context.Context) *ConventionRef {
	c, _ := ctx.Value(objectKey{}).(*ConventionRef)
	return c
}
