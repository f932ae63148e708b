(function(){
var text=document.getElementById('text'),tip=document.getElementById('tip');
function chain(node){var keys=[];for(var n=node;n&&n!==text;n=n.parentElement){
var k=n.getAttribute&&n.getAttribute('data-card');if(k&&keys.indexOf(k)<0)keys.push(k);}return keys;}
text.addEventListener('mouseover',function(ev){var keys=chain(ev.target);
if(!keys.length){tip.hidden=true;return;}tip.textContent='';
keys.forEach(function(k){var c=document.getElementById('card-'+k);if(c){var d=c.cloneNode(true);d.removeAttribute('id');tip.appendChild(d);}});
tip.hidden=false;});
text.addEventListener('mousemove',function(ev){var x=ev.clientX+14,y=ev.clientY+14;
if(x+tip.offsetWidth>innerWidth)x=Math.max(0,ev.clientX-tip.offsetWidth-14);
if(y+tip.offsetHeight>innerHeight)y=Math.max(0,ev.clientY-tip.offsetHeight-14);
tip.style.left=x+'px';tip.style.top=y+'px';});
text.addEventListener('mouseleave',function(){tip.hidden=true;});
text.addEventListener('click',function(ev){for(var n=ev.target;n&&n!==text;n=n.parentElement){
var id=n.getAttribute&&n.getAttribute('data-item');if(!id)continue;var item=document.getElementById(id);if(!item)continue;
var d=item.querySelector('details');if(d)d.open=true;item.scrollIntoView({block:'nearest'});
item.classList.remove('flash');void item.offsetWidth;item.classList.add('flash');return;}});
})();