package broker

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Roles a broker user may have.
const (
	// RoleDaemon is a Vigia instance: it may publish and subscribe anywhere.
	RoleDaemon = "daemon"
	// RoleGateway is a sensor gateway: it may only publish observations, on {prefix}obs/#.
	RoleGateway = "gateway"
	// RoleAgency is an agency's operations centre: it reads its own alerts
	// ({prefix}alerts/{agency}), the picture ({prefix}tracks) and the
	// instances' status ({prefix}status/+), and publishes its
	// acknowledgements ({prefix}acks/{agency}) and asset positions
	// ({prefix}assets/{agency}/#).
	RoleAgency = "agency"
	// RoleAdmin is an administrator: it may publish and subscribe anywhere.
	RoleAdmin = "admin"
)

// Roles lists every role, in the order the documentation gives them.
var Roles = []string{RoleDaemon, RoleGateway, RoleAgency, RoleAdmin}

// User is one account of the embedded broker.
type User struct {
	// Username is what the client sends in CONNECT.
	Username string
	// Password is compared in constant time with the one the client sends.
	Password string
	// Role is one of Roles.
	Role string
	// Agency is the agency of a RoleAgency user (uscg, semar, ccg); empty otherwise.
	Agency string
	// AlertsTopic is the topic the agency's alerts go to, when the
	// configuration moves it; empty: {prefix}alerts/{Agency}.
	AlertsTopic string
}

// Permissions are the topic filters a user may subscribe to (Read) and
// publish on (Write). A subscription is allowed only when every topic it
// could match is readable, so "vigia/alerts/+" is refused to an agency
// that may read only "vigia/alerts/uscg".
type Permissions struct {
	Read  []string
	Write []string
}

// UserPermissions returns what u may do on a broker whose topics start with
// prefix ("vigia/").
func UserPermissions(prefix string, u User) (Permissions, error) {
	switch u.Role {
	case RoleDaemon, RoleAdmin:
		return Permissions{Read: []string{"#"}, Write: []string{"#"}}, nil
	case RoleGateway:
		return Permissions{Write: []string{prefix + "obs/#"}}, nil
	case RoleAgency:
		if u.Agency == "" || strings.ContainsAny(u.Agency, "/+#") {
			return Permissions{}, fmt.Errorf("user %q: role agency needs an agency id, got %q", u.Username, u.Agency)
		}
		alerts := u.AlertsTopic
		if alerts == "" {
			alerts = prefix + "alerts/" + u.Agency
		}
		return Permissions{
			Read:  []string{alerts, prefix + "tracks", prefix + "status/+"},
			Write: []string{prefix + "acks/" + u.Agency, prefix + "assets/" + u.Agency + "/#"},
		}, nil
	}
	return Permissions{}, fmt.Errorf("user %q: unknown role %q (want one of %s)", u.Username, u.Role, strings.Join(Roles, ", "))
}

// covers reports whether every topic matched by filter (a topic name or a
// subscription filter, possibly with + and #) is also matched by pattern.
// Topics starting with '$' are matched only by patterns naming that first
// level, as MQTT requires of wildcards.
func covers(pattern, filter string) bool {
	p, f := strings.Split(pattern, "/"), strings.Split(filter, "/")
	if strings.HasPrefix(filter, "$") && !strings.HasPrefix(pattern, "$") {
		return false
	}
	for i, pl := range p {
		if pl == "#" {
			return true // matches the rest, and the parent level itself
		}
		if i >= len(f) {
			return false
		}
		switch fl := f[i]; {
		case fl == "#":
			return false // the filter reaches deeper than pattern allows
		case pl == "+":
			// any single level, + included
		case pl != fl:
			return false
		}
	}
	return len(f) == len(p)
}

func allowed(filters []string, topic string) bool {
	for _, p := range filters {
		if covers(p, topic) {
			return true
		}
	}
	return false
}

// authHook authenticates clients against a fixed user list and enforces
// each user's Permissions on subscriptions, deliveries, publishes and wills.
type authHook struct {
	mqtt.HookBase
	users map[string]userEntry
}

type userEntry struct {
	password []byte
	all      bool // daemon and admin: everything, $-topics and shared subscriptions included
	perm     Permissions
}

func newAuthHook(prefix string, users []User) (*authHook, error) {
	h := &authHook{users: make(map[string]userEntry, len(users))}
	for _, u := range users {
		if u.Username == "" || u.Password == "" {
			return nil, fmt.Errorf("user %q: username and password are required", u.Username)
		}
		if _, dup := h.users[u.Username]; dup {
			return nil, fmt.Errorf("user %q is listed twice", u.Username)
		}
		perm, err := UserPermissions(prefix, u)
		if err != nil {
			return nil, err
		}
		h.users[u.Username] = userEntry{password: []byte(u.Password), perm: perm,
			all: u.Role == RoleDaemon || u.Role == RoleAdmin}
	}
	return h, nil
}

// ID names the hook in mochi's logs.
func (h *authHook) ID() string { return "vigia-auth" }

// Provides says which of mochi's hook methods authHook implements.
func (h *authHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck}, []byte{b})
}

// OnConnectAuthenticate accepts a known user with the right password whose
// last will, if any, is on a topic it may publish on (mochi does not check
// wills against the ACL, so a gateway could otherwise plant an alert).
func (h *authHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	u, ok := h.users[string(pk.Connect.Username)]
	if !ok || !pk.Connect.PasswordFlag ||
		subtle.ConstantTimeCompare(u.password, pk.Connect.Password) != 1 {
		h.Log.Warn("client refused: bad username or password", "client", cl.ID,
			"username", string(pk.Connect.Username), "remote", cl.Net.Remote)
		return false
	}
	if pk.Connect.WillFlag && !u.all && !allowed(u.perm.Write, pk.Connect.WillTopic) {
		h.Log.Warn("client refused: last will on a topic it may not publish on", "client", cl.ID,
			"username", string(pk.Connect.Username), "topic", pk.Connect.WillTopic)
		return false
	}
	return true
}

// OnACLCheck allows a publish on a topic the user may write, and a
// subscription (or a delivery) the user may read.
func (h *authHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	u, ok := h.users[string(cl.Properties.Username)]
	if !ok {
		return false
	}
	if u.all {
		return true
	}
	if write {
		return allowed(u.perm.Write, topic)
	}
	return allowed(u.perm.Read, topic)
}
