export function Comment({ comment }) {
  return (
    <div>
      <p
        // ruleid: javascript/security/dangerously-set-inner-html
        dangerouslySetInnerHTML={{ __html: comment.body }}
      />
      <p
        // ok: javascript/security/dangerously-set-inner-html
        dangerouslySetInnerHTML={{ __html: "&copy; 2024" }}
      />
      <p
        // ok: javascript/security/dangerously-set-inner-html
        dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.body) }}
      />
      <p>{comment.author}</p>
    </div>
  );
}

export function Raw(props) {
  // ruleid: javascript/security/dangerously-set-inner-html
  return React.createElement("div", { dangerouslySetInnerHTML: { __html: props.html } });
}
