/* http_parser */
