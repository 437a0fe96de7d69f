extension Substring {
    /// Without leading and trailing spaces and tabs (as HTTP allows around a header's value), by bytes.
    var trimmingSpacesAndTabs: Substring {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return self[endIndex...] }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return self[first...last]
    }
}
