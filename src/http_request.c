/* http_request */
