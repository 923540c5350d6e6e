// Package sign signs and verifies published JSON alerts with Ed25519.
//
// # Signature convention (external contract)
//
// A signed alert is a JSON object whose final member is
//
//	"sig":"ed25519:<base64 standard encoding, with padding, of the 64-byte signature>"
//
// written exactly so: no whitespace inside the member, nothing but the
// closing brace after it, and preceded by a comma unless it is the object's
// only member. The signature is over the payload bytes with that final member
// removed, that is, the JSON object exactly as it was before signing, byte
// for byte (whitespace included) and without a "sig" member:
//
//	signed:   {"id":"a1","rev":2,"sig":"ed25519:AAAA…=="}
//	verified: {"id":"a1","rev":2}
//
//	signed:   {"sig":"ed25519:AAAA…=="}
//	verified: {}
//
// To check a signature by hand: strip `,"sig":"ed25519:…"` (or `"sig":"ed25519:…"`
// from an object with no other member) just before the final `}`, and verify
// the base64-decoded signature over the remaining bytes with the publisher's
// Ed25519 public key. Verify is strict: a top-level "sig" member anywhere
// else, in any other spelling or with any other scheme is an error, not a
// missing signature ("sig" members of nested objects are ordinary data).
// Sign accepts only a valid JSON object from its '{' to its '}', with no
// surrounding whitespace and no top-level "sig" member.
//
// Keys are stored as PEM: the private key as "PRIVATE KEY" (PKCS #8, file mode
// 0600), the public key next to it as "PUBLIC KEY" (PKIX) in path + ".pub".
// KeyID gives the short fingerprint to print in logs.
package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Errors returned (wrapped) by Verify and Sign; test with errors.Is.
var (
	// ErrNoSignature means the document is a JSON object with no "sig" member.
	ErrNoSignature = errors.New("sign: no signature")
	// ErrBadSignature means the signature does not match the payload and key:
	// the payload was altered, or signed with another key.
	ErrBadSignature = errors.New("sign: bad signature")
	// ErrMalformed means the document or its "sig" member is not in the form
	// of the package's convention (or, for Sign, the payload is not a JSON
	// object without "sig").
	ErrMalformed = errors.New("sign: malformed")
)

const (
	sigPrefix = `"sig":"ed25519:`
	sigB64Len = 88 // base64.StdEncoding.EncodedLen(ed25519.SignatureSize)
	// sigMember is the length of `"sig":"ed25519:<sig>"}`.
	sigMember = len(sigPrefix) + sigB64Len + len(`"}`)
)

// Sign signs payload, a JSON object without a "sig" member, and returns it
// with the signature appended as its final member, inserted just before the
// final '}' (see the package documentation). payload must start with '{' and
// end with '}' (no surrounding whitespace); it is not modified.
func Sign(key ed25519.PrivateKey, payload []byte) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("sign: private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	n, err := checkPayload(payload)
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(key, payload)
	out := make([]byte, 0, len(payload)+1+sigMember)
	out = append(out, payload[:len(payload)-1]...)
	if n > 0 {
		out = append(out, ',')
	}
	out = append(out, sigPrefix...)
	out = base64.StdEncoding.AppendEncode(out, sig)
	out = append(out, `"}`...)
	return out, nil
}

// Verify checks a document produced by Sign against pub. It returns nil when
// the signature is valid, an error wrapping ErrNoSignature when the document
// is a JSON object without a "sig" member, ErrBadSignature when the signature
// does not verify (tampered payload or another key), and ErrMalformed for
// anything not in the form of the convention.
func Verify(pub ed25519.PublicKey, signed []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("sign: public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	payload, sig, err := split(signed)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, payload, sig) {
		return ErrBadSignature
	}
	return nil
}

// split takes a signed document apart into the signed payload and the
// signature, checking the form strictly.
func split(signed []byte) (payload, sig []byte, err error) {
	n := len(signed)
	if n < 1+sigMember || signed[0] != '{' ||
		!bytes.HasPrefix(signed[n-sigMember:], []byte(sigPrefix)) ||
		!bytes.HasSuffix(signed, []byte(`"}`)) {
		return nil, nil, noSigOrMalformed(signed)
	}
	b64 := signed[n-sigMember+len(sigPrefix) : n-2]
	// Strict: canonical padding bits, no newlines. Decode needs room for
	// what 88 characters can hold (66 bytes), not just a valid signature.
	sig = make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	m, err := base64.StdEncoding.Strict().Decode(sig, b64)
	if err != nil || m != ed25519.SignatureSize {
		return nil, nil, fmt.Errorf("%w: signature is not %d bytes of standard base64", ErrMalformed, ed25519.SignatureSize)
	}
	sig = sig[:m]
	head := signed[:n-sigMember] // everything before `"sig":`
	empty := len(bytes.TrimLeft(head[1:], " \t\r\n")) == 0
	switch {
	case empty:
		// {"sig":…} or { "sig":…}: the payload had no member.
	case head[len(head)-1] == ',':
		head = head[:len(head)-1]
	default:
		return nil, nil, fmt.Errorf("%w: \"sig\" member not preceded by a comma", ErrMalformed)
	}
	payload = make([]byte, 0, len(head)+1)
	payload = append(append(payload, head...), '}')
	members, err := checkPayload(payload)
	if err != nil {
		return nil, nil, err
	}
	if empty != (members == 0) || !json.Valid(signed) {
		return nil, nil, fmt.Errorf("%w: signed document is not a JSON object", ErrMalformed)
	}
	return payload, sig, nil
}

// noSigOrMalformed classifies a document that does not end in a canonical
// signature: ErrNoSignature for a JSON object without "sig", else ErrMalformed.
func noSigOrMalformed(doc []byte) error {
	keys, err := topKeys(doc)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	for _, k := range keys {
		if k == "sig" {
			return fmt.Errorf("%w: \"sig\" member is not the final `\"sig\":\"ed25519:<base64>\"` of the convention", ErrMalformed)
		}
	}
	return ErrNoSignature
}

// checkPayload checks that payload is a signable JSON object: '{' first and
// '}' last, valid, no top-level "sig". It returns the number of members.
func checkPayload(payload []byte) (int, error) {
	if len(payload) < 2 || payload[0] != '{' || payload[len(payload)-1] != '}' {
		return 0, fmt.Errorf("%w: payload must be a JSON object from '{' to '}'", ErrMalformed)
	}
	keys, err := topKeys(payload)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	for _, k := range keys {
		if k == "sig" {
			return 0, fmt.Errorf("%w: payload already has a \"sig\" member", ErrMalformed)
		}
	}
	return len(keys), nil
}

// topKeys returns the top-level member names of the JSON object doc
// (unescaped, duplicates kept), or an error if doc is not exactly one valid
// JSON object.
func topKeys(doc []byte) ([]string, error) {
	if !json.Valid(doc) {
		return nil, errors.New("not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return keys, nil
}

// KeyID returns a short fingerprint of pub for logs: the first 8 bytes of the
// SHA-256 of the 32-byte raw public key, in lower-case hex (16 characters).
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}
