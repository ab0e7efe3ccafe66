// Package cas is the client side of the CAS protocol, as CERBERE (the
// ministry's single sign-on) speaks it: the login redirect, the service
// ticket validation with user attributes, and the logout redirect.
//
// Validation uses the CAS 3 endpoint p3/serviceValidate, whose XML answer
// carries the attributes in <cas:attributes>. The reference asked for CAS
// 2 with SAML 1.1 attributes (samlValidate, a SOAP exchange); CAS servers
// that release attributes through SAML release the same ones through
// p3/serviceValidate (CAS 3.0 protocol), which is a plain GET and XML
// answer: less code, no SOAP, no clock-bound SAML assertion. The CAS 2
// serviceValidate endpoint is available through Options.Endpoint for a
// server that lacks p3 (its answer has the same shape).
package cas

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Endpoints of ticket validation.
const (
	EndpointCAS3 = "p3/serviceValidate"
	EndpointCAS2 = "serviceValidate"
)

// Client talks to one CAS server.
type Client struct {
	base     *url.URL
	endpoint string
	http     *http.Client
}

// Options of a Client.
type Options struct {
	// Endpoint of validation; EndpointCAS3 when empty.
	Endpoint string
	// HTTPClient for the validation call; one with a 10 s timeout when nil.
	HTTPClient *http.Client
}

// New returns a client of the CAS server at baseURL (CERBERE_AUTH, e.g.
// https://authentification.example/cas/576/). The base gets a trailing
// slash when it lacks one, so that "login" lands under it and not beside
// its last segment.
func New(baseURL string, o Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("CERBERE_AUTH : %q n'est pas une URL absolue de serveur CAS", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	if o.Endpoint == "" {
		o.Endpoint = EndpointCAS3
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{base: u, endpoint: o.Endpoint, http: o.HTTPClient}, nil
}

func (c *Client) url(path string, q url.Values) string {
	u := c.base.JoinPath(path)
	u.RawQuery = q.Encode()
	return u.String()
}

// LoginURL is where the browser goes to log in; CAS comes back to
// service with ?ticket=.
func (c *Client) LoginURL(service string) string {
	return c.url("login", url.Values{"service": {service}})
}

// LogoutURL ends the CAS session, then CAS sends the browser to service.
func (c *Client) LogoutURL(service string) string {
	if service == "" {
		return c.url("logout", nil)
	}
	return c.url("logout", url.Values{"service": {service}})
}

// Response is a successful validation.
type Response struct {
	// User is <cas:user>.
	User string
	// Attributes by name; a name may repeat.
	Attributes map[string][]string
}

// Attr returns the first value of an attribute, "" when absent.
func (r *Response) Attr(name string) string {
	if v := r.Attributes[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// Failure is the CAS server's refusal of a ticket.
type Failure struct {
	Code    string
	Message string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("ticket CAS refusé par le serveur (%s) : %s", f.Code, f.Message)
}

// Validate asks the CAS server whether ticket was issued for service
// (the same service URL as the login redirect, without the ticket).
func (c *Client) Validate(ctx context.Context, ticket, service string) (*Response, error) {
	if ticket == "" {
		return nil, errors.New("ticket CAS vide")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(c.endpoint, url.Values{"ticket": {ticket}, "service": {service}}), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("serveur CAS injoignable : %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("réponse du serveur CAS illisible : %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("le serveur CAS a répondu %d à la validation du ticket", resp.StatusCode)
	}
	return parse(body)
}

// serviceResponse is the XML of (p3/)serviceValidate. Attributes are read
// element by element: <cas:NAME>value</cas:NAME>, and also the older
// <cas:attribute name="NAME" value="value"/> layout some servers use.
type serviceResponse struct {
	XMLName xml.Name `xml:"serviceResponse"`
	Success *struct {
		User       string `xml:"user"`
		Attributes *struct {
			Any []struct {
				XMLName xml.Name
				Name    string `xml:"name,attr"`
				Value   string `xml:"value,attr"`
				Text    string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"attributes"`
	} `xml:"authenticationSuccess"`
	Failure *struct {
		Code string `xml:"code,attr"`
		Text string `xml:",chardata"`
	} `xml:"authenticationFailure"`
}

func parse(body []byte) (*Response, error) {
	var sr serviceResponse
	if err := xml.Unmarshal(body, &sr); err != nil {
		return nil, fmt.Errorf("réponse du serveur CAS illisible : %w", err)
	}
	switch {
	case sr.Failure != nil:
		return nil, &Failure{Code: strings.TrimSpace(sr.Failure.Code), Message: strings.TrimSpace(sr.Failure.Text)}
	case sr.Success == nil:
		return nil, errors.New("réponse du serveur CAS sans succès ni échec")
	}
	r := &Response{User: strings.TrimSpace(sr.Success.User), Attributes: map[string][]string{}}
	if a := sr.Success.Attributes; a != nil {
		for _, e := range a.Any {
			if e.XMLName.Local == "attribute" && e.Name != "" {
				r.Attributes[e.Name] = append(r.Attributes[e.Name], e.Value)
				continue
			}
			r.Attributes[e.XMLName.Local] = append(r.Attributes[e.XMLName.Local], strings.TrimSpace(e.Text))
		}
	}
	if r.User == "" {
		return nil, errors.New("réponse du serveur CAS sans utilisateur")
	}
	return r, nil
}

// CERBERE attribute names (spec §1.8).
const (
	AttrID     = "UTILISATEUR.ID"
	AttrLogin  = "UTILISATEUR.LOGIN"
	AttrNom    = "UTILISATEUR.NOM"
	AttrPrenom = "UTILISATEUR.PRENOM"
	AttrMel    = "UTILISATEUR.MEL"
)

// Identity is the local user a CERBERE login maps to.
type Identity struct {
	// Username is the lookup key of users_user (UTILISATEUR.ID).
	Username string
	// CerbereLogin is the SIAP user-login (UTILISATEUR.LOGIN).
	CerbereLogin string
	LastName     string
	FirstName    string
	Email        string
}

// Identity maps the CERBERE attributes: UTILISATEUR.ID → username,
// UTILISATEUR.LOGIN → cerbere_login, NOM, PRENOM, MEL. Without
// UTILISATEUR.ID the CAS user is the username; without UTILISATEUR.LOGIN
// the login is refused, since SIAP knows the user by it.
func (r *Response) Identity() (Identity, error) {
	id := Identity{
		Username:     r.Attr(AttrID),
		CerbereLogin: r.Attr(AttrLogin),
		LastName:     r.Attr(AttrNom),
		FirstName:    r.Attr(AttrPrenom),
		Email:        r.Attr(AttrMel),
	}
	if id.Username == "" {
		id.Username = r.User
	}
	if id.CerbereLogin == "" {
		return id, fmt.Errorf("CERBERE n'a pas transmis l'attribut %s de l'utilisateur %q : connexion impossible", AttrLogin, r.User)
	}
	return id, nil
}
