import HTTPTypes

extension HTTPFields {
    /// The value of the field `name`: the one field's, or, when the request repeats it, all of them
    /// joined as `HTTPFields`' own subscript joins them. That subscript always joins, through generic
    /// lazy sequences the compiler cannot specialize across modules: thousands of instructions a
    /// lookup, several lookups a request.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
