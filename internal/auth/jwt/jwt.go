// Package jwt makes and checks the tokens of the SIAP protocol (spec
// access-api-ops §2.1): HS256, five minutes, claims token_type=access,
// iat, exp, jti, user-login and habilitation-id. The same shape travels
// both ways: APiLos signs the tokens it sends to SIAP, and verifies the
// ones SIAP sends to /api-siap/v0/.
package jwt

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"
)

// Lifetime is the validity of a token, from its iat.
const Lifetime = 5 * time.Minute

// Algorithm is the only signing method of the protocol.
const Algorithm = "HS256"

// Claim names of the protocol.
const (
	claimTokenType      = "token_type"
	claimUserLogin      = "user-login"
	claimHabilitationID = "habilitation-id"
	tokenTypeAccess     = "access"
)

// Claims are the protocol claims of a verified token.
type Claims struct {
	UserLogin string
	// HabilitationID is 0 when the token carries none.
	HabilitationID int64
	JTI            string
	IssuedAt       time.Time
	ExpiresAt      time.Time
}

// ErrNoKey is returned when signing or verifying without a key: an empty
// HMAC key would accept tokens anybody can forge.
var ErrNoKey = errors.New("clé de signature JWT absente : définissez JWT_SIGN_KEY (jetons reçus) ou SIAP_CLIENT_JWT_SIGN_KEY (jetons envoyés)")

// Sign returns a new token for login and habilitation (habilitation-id is
// left out when habID is 0), issued at now, with a fresh random jti.
func Sign(key []byte, login string, habID int64, now time.Time) (string, error) {
	if len(key) == 0 {
		return "", ErrNoKey
	}
	iat := now.Unix()
	mc := gojwt.MapClaims{
		claimTokenType: tokenTypeAccess,
		"iat":          iat,
		"exp":          iat + int64(Lifetime/time.Second),
		"jti":          uuid4(),
		claimUserLogin: login,
	}
	if habID != 0 {
		mc[claimHabilitationID] = habID
	}
	return gojwt.NewWithClaims(gojwt.SigningMethodHS256, mc).SignedString(key)
}

// uuid4 is a random (version 4) UUID string, as the reference's jti.
func uuid4() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Verifier checks incoming tokens.
type Verifier struct {
	key []byte
	now func() time.Time
}

// NewVerifier verifies with key. now is the clock (time.Now when nil).
func NewVerifier(key []byte, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{key: key, now: now}
}

// MaxClockSkew is how far in the future a token's iat may be: the two
// platforms' clocks are not exactly in step.
const MaxClockSkew = 30 * time.Second

// date is a NumericDate claim that must be a JSON number (RFC 7519
// §2): the parser's own type also takes "1700000000" as a string.
type date struct {
	set, bad bool
	at       time.Time
}

func (d *date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	d.set = true
	var n json.Number
	if len(b) == 0 || b[0] == '"' || json.Unmarshal(b, &n) != nil {
		d.bad = true
		return nil
	}
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1<<40 {
		d.bad = true
		return nil
	}
	sec := int64(f)
	d.at = time.Unix(sec, int64((f-float64(sec))*1e9))
	return nil
}

// numeric is the date for the parser (nil when absent or malformed).
func (d date) numeric() *gojwt.NumericDate {
	if !d.set || d.bad {
		return nil
	}
	return gojwt.NewNumericDate(d.at)
}

// tokenClaims decodes the payload; pointers tell a missing claim from an
// empty one.
type tokenClaims struct {
	ID             string  `json:"jti"`
	IssuedAt       date    `json:"iat"`
	ExpiresAt      date    `json:"exp"`
	NotBefore      date    `json:"nbf"`
	TokenType      *string `json:"token_type"`
	UserLogin      *string `json:"user-login"`
	HabilitationID *int64  `json:"habilitation-id"`
	// now is the verifier's clock, for Validate.
	now func() time.Time
}

func (c tokenClaims) GetExpirationTime() (*gojwt.NumericDate, error) {
	return c.ExpiresAt.numeric(), nil
}
func (c tokenClaims) GetIssuedAt() (*gojwt.NumericDate, error)  { return c.IssuedAt.numeric(), nil }
func (c tokenClaims) GetNotBefore() (*gojwt.NumericDate, error) { return c.NotBefore.numeric(), nil }
func (c tokenClaims) GetIssuer() (string, error)                { return "", nil }
func (c tokenClaims) GetSubject() (string, error)               { return "", nil }
func (c tokenClaims) GetAudience() (gojwt.ClaimStrings, error)  { return nil, nil }

// claimError is a protocol claim problem found by Validate.
type claimError string

func (e claimError) Error() string { return string(e) }

// Validate is called by the parser after the registered claims checks
// (signature, exp present and not past, nbf). It enforces the 5-minute
// protocol of SIAP: dates are numbers, iat is present and not in the
// future, and the token lives no longer than Lifetime.
func (c tokenClaims) Validate() error {
	switch {
	case c.IssuedAt.bad || c.ExpiresAt.bad || c.NotBefore.bad:
		return claimError("dates iat, exp et nbf : nombres de secondes attendus")
	case !c.IssuedAt.set:
		return claimError("date d'émission (iat) absente")
	case c.IssuedAt.at.After(c.now().Add(MaxClockSkew)):
		return claimError("jeton émis dans le futur")
	case c.ExpiresAt.at.Sub(c.IssuedAt.at) > Lifetime:
		return claimError(fmt.Sprintf("durée de validité supérieure à %d minutes", int(Lifetime/time.Minute)))
	case c.ID == "":
		return claimError("revendication jti absente")
	case c.TokenType == nil || *c.TokenType != tokenTypeAccess:
		return claimError("revendication token_type absente ou différente de « access »")
	case c.UserLogin == nil:
		return claimError("revendication user-login absente")
	}
	return nil
}

// Verify checks signature (HS256 only: alg none, RS256 and the others
// are refused before any key is used), expiry (required, no leeway),
// iat (required, at most MaxClockSkew ahead, exp at most Lifetime after
// it), numeric dates, jti, token_type and user-login, and returns the
// claims. The error says in French what is wrong, without echoing the
// token.
func (v *Verifier) Verify(token string) (Claims, error) {
	if len(v.key) == 0 {
		return Claims{}, ErrNoKey
	}
	tc := tokenClaims{now: v.now}
	_, err := gojwt.ParseWithClaims(token, &tc, func(*gojwt.Token) (any, error) { return v.key, nil },
		gojwt.WithValidMethods([]string{Algorithm}),
		gojwt.WithExpirationRequired(),
		gojwt.WithTimeFunc(v.now),
	)
	if err != nil {
		return Claims{}, fmt.Errorf("jeton invalide : %s", reason(err))
	}
	c := Claims{UserLogin: *tc.UserLogin, JTI: tc.ID, ExpiresAt: tc.ExpiresAt.at, IssuedAt: tc.IssuedAt.at}
	if tc.HabilitationID != nil {
		c.HabilitationID = *tc.HabilitationID
	}
	return c, nil
}

// reason turns the parser's error into a short French reason.
func reason(err error) string {
	switch {
	case errors.Is(err, gojwt.ErrTokenMalformed):
		return "format incorrect"
	case errors.Is(err, gojwt.ErrTokenSignatureInvalid):
		return "signature incorrecte ou algorithme refusé (seul HS256 est accepté)"
	case errors.Is(err, gojwt.ErrTokenUnverifiable):
		return "algorithme refusé (seul HS256 est accepté)"
	case errors.Is(err, gojwt.ErrTokenRequiredClaimMissing):
		var ce claimError
		if errors.As(err, &ce) {
			return string(ce)
		}
		return "date d'expiration (exp) absente"
	case errors.Is(err, gojwt.ErrTokenExpired):
		return "jeton expiré"
	case errors.Is(err, gojwt.ErrTokenUsedBeforeIssued), errors.Is(err, gojwt.ErrTokenNotValidYet):
		return "jeton émis dans le futur"
	}
	var ce claimError
	if errors.As(err, &ce) {
		return string(ce)
	}
	return "jeton refusé"
}
