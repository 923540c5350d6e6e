package nmea

import "github.com/vigia-project/vigia/sensors"

// staticCache keeps the static data of vessels by MMSI, bounded: two
// generations of at most limit/2 entries each. New and looked-up entries go
// to the current generation; when it is full it becomes the old one and the
// previous old one is dropped. An entry neither updated nor looked up during
// a whole generation is thus forgotten (approximately least recently used),
// at O(1) cost per operation.
type staticCache struct {
	cur, old map[uint32]sensors.Identity
	half     int
}

func newStaticCache(limit int) staticCache {
	half := max(limit/2, 1)
	return staticCache{cur: make(map[uint32]sensors.Identity), old: map[uint32]sensors.Identity{}, half: half}
}

func (c *staticCache) put(mmsi uint32, id sensors.Identity) {
	c.cur[mmsi] = id
	if len(c.cur) >= c.half {
		c.old = c.cur
		c.cur = make(map[uint32]sensors.Identity)
	}
}

// get returns the static data of mmsi.
func (c *staticCache) get(mmsi uint32) (sensors.Identity, bool) {
	if id, ok := c.cur[mmsi]; ok {
		return id, true
	}
	if id, ok := c.old[mmsi]; ok {
		delete(c.old, mmsi)
		c.put(mmsi, id)
		return id, true
	}
	return sensors.Identity{}, false
}

// merge updates the entry of id.MMSI with the known (non-zero) fields of id
// and returns the result.
func (c *staticCache) merge(id sensors.Identity) sensors.Identity {
	e, _ := c.get(id.MMSI)
	e.MMSI = id.MMSI
	if id.Name != "" {
		e.Name = id.Name
	}
	if id.Callsign != "" {
		e.Callsign = id.Callsign
	}
	if id.IMO != 0 {
		e.IMO = id.IMO
	}
	if id.ShipType != 0 {
		e.ShipType = id.ShipType
	}
	if id.LengthM != 0 {
		e.LengthM = id.LengthM
	}
	if id.BeamM != 0 {
		e.BeamM = id.BeamM
	}
	if id.AISClass != "" {
		e.AISClass = id.AISClass
	}
	c.put(id.MMSI, e)
	return e
}

// len returns the number of entries (for tests).
func (c *staticCache) len() int { return len(c.cur) + len(c.old) }
