// Package geo knows the earth: WGS-84 geodetic, ECEF and local east/north/up
// coordinates, polar detections from fixed or moving sensors, geodesic
// distance and bearing, and the maritime zones (which country's waters hold a
// point, the nearest boundary line and coastline, ports and anchorages). It
// imports no other package of Vigia.
package geo
